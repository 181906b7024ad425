// create_key_cpp CONFIG [NAME]: create_key.c with the C++ wrapper (kmipkit.hpp): handles free
// themselves, failures arrive as kmipkit::Error.
#include <kmipkit.hpp>

#include <iostream>

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: " << argv[0] << " kmipkit.toml [NAME]\n";
        return 2;
    }
    const std::string name = argc == 3 ? argv[2] : "example-key";
    try {
        kmipkit::Client client = kmipkit::Client::connect(kmipkit::Config::load(argv[1]));
        kmipkit::Client::Version v = client.version();
        std::string uid = client.create_aes_key(name, 256);
        client.activate(uid);
        std::cout << "created and activated " << name << " (KMIP " << v.major << '.' << v.minor
                  << "): " << uid << '\n';
        return 0;
    } catch (const kmipkit::Error &e) {
        std::cerr << argv[0] << ": " << e.what() << '\n';  // "Name: message"
        if (e.code() == KMIPKIT_RESULT_SERVER)
            std::cerr << "  KMIP result reason: 0x" << std::hex << e.reason() << '\n';
        if (!e.explanation().empty())
            std::cerr << "  " << e.explanation() << '\n';
        return 1;
    }
}
