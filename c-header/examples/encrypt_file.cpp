// encrypt_file_cpp CONFIG IN OUT [--decrypt]: encrypt_file.c with the C++ wrapper: Model 1,
// streaming from a std::ifstream into a std::ofstream; failures arrive as kmipkit::Error.
#include <kmipkit.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char **argv) {
    const bool decrypt = argc == 5 && std::string(argv[4]) == "--decrypt";
    if (argc != 4 && !decrypt) {
        std::cerr << "usage: " << argv[0] << " kmipkit.toml IN OUT [--decrypt]\n";
        return 2;
    }
    std::ifstream in(argv[2], std::ios::binary);
    std::ofstream out(argv[3], std::ios::binary);
    if (!in || !out) {
        std::perror(!in ? argv[2] : argv[3]);
        return 1;
    }
    try {
        kmipkit::Config config = kmipkit::Config::load(argv[1]);
        kmipkit::Client client = kmipkit::Client::connect(config);
        kmipkit::Model1 model = kmipkit::Model1::from_config(client, config);
        model.ensure_kek();
        const kmipkit::Context context{{"purpose", "file-backup"}};  // decrypt needs the same
        std::uint64_t n = decrypt ? model.decrypt_stream(in, out, &context)
                                  : model.encrypt_stream(in, out, &context);
        out.close();
        if (!out)
            throw kmipkit::Error(KMIPKIT_RESULT_CALLBACK_FAILED, std::string("cannot write ") + argv[3]);
        std::cerr << (decrypt ? "decrypted " : "encrypted ") << n << " bytes\n";
        return 0;
    } catch (const kmipkit::Error &e) {
        std::cerr << argv[0] << ": " << e.what() << '\n';  // "Name: message"
        out.close();
        std::remove(argv[3]);  // a stream is authenticated only when it ends well
        return 1;
    }
}
