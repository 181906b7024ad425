/*
 * kmipkit/config.hpp (included by kmipkit.hpp): Config, ServerBuilder, ConfigBuilder.
 */
#ifndef KMIPKIT_CONFIG_HPP
#define KMIPKIT_CONFIG_HPP

#include <cstddef>
#include <cstdint>
#include <string>

#include "base.hpp"

namespace kmipkit {

/* A checked configuration (kmipkit_config). Immutable: may be shared by threads. */
class Config {
public:
    /* Reads and permission-checks the kmipkit.toml at `path` (kmipkit_config_load). */
    static Config load(const std::string &path) {
        kmipkit_config *config = nullptr;
        detail::check(kmipkit_config_load(detail::c_text(path, "path"), &config));
        return Config(config);
    }

    /* Parses configuration text; relative paths resolve against `base_dir` (empty: the current
     * directory). */
    static Config from_toml(const std::string &toml, const std::string &base_dir = {}) {
        kmipkit_config *config = nullptr;
        const char *base = base_dir.empty() ? nullptr : detail::c_text(base_dir, "base_dir");
        detail::check(kmipkit_config_from_toml(detail::c_text(toml, "toml"), base, &config));
        return Config(config);
    }

    /* Takes ownership of `owned`. */
    explicit Config(kmipkit_config *owned) noexcept : config_(owned) {}

    /* The number of key servers, primary first. */
    std::size_t server_count() const noexcept { return kmipkit_config_server_count(config_.get()); }

    /* The name of server `index` (0 is the primary); Error INVALID_ARGUMENT past the last. */
    std::string server_name(std::size_t index) const {
        char *name = nullptr;
        detail::check(kmipkit_config_server_name(config_.get(), index, &name));
        return detail::take_string(name);
    }

    const kmipkit_config *get() const noexcept { return config_.get(); }
    /* Gives up ownership: the caller frees the result with kmipkit_config_free. */
    kmipkit_config *release() noexcept { return config_.release(); }

private:
    detail::Owned<kmipkit_config, kmipkit_config_free> config_;
};

/* One key server for ConfigBuilder::add_server (kmipkit_server_builder). One thread at a time. */
class ServerBuilder {
public:
    /* A server at `host` (port 5696 unless set). */
    explicit ServerBuilder(const std::string &host)
        : server_(make(kmipkit_server_builder_new, host, "host")) {}

    /* A server reached by KMIP over HTTPS at `url`. */
    static ServerBuilder https(const std::string &url) {
        return ServerBuilder(make(kmipkit_server_builder_new_https, url, "url"));
    }

    /* Sets a text setting (ca, client_cert, client_key, name, ...); see kmipkit.h. */
    ServerBuilder &set_text(const std::string &key, const std::string &value) {
        detail::check(kmipkit_server_builder_set_text(server_.get(), detail::c_text(key, "key"),
                                                      detail::c_text(value, "value")));
        return *this;
    }

    /* Sets a whole-number setting ("port"). */
    ServerBuilder &set_int(const std::string &key, std::int64_t value) {
        detail::check(kmipkit_server_builder_set_int(server_.get(), detail::c_text(key, "key"), value));
        return *this;
    }

    const kmipkit_server_builder *get() const noexcept { return server_.get(); }

private:
    explicit ServerBuilder(kmipkit_server_builder *owned) noexcept : server_(owned) {}
    static kmipkit_server_builder *make(kmipkit_result (*make_c)(const char *, kmipkit_server_builder **),
                                        const std::string &value, const char *name) {
        kmipkit_server_builder *made = nullptr;
        detail::check(make_c(detail::c_text(value, name), &made));
        return made;
    }
    detail::Owned<kmipkit_server_builder, kmipkit_server_builder_free> server_;
};

/*
 * A configuration built setting by setting (kmipkit_config_builder); one thread at a time.
 * The setters are named by type (set_text, set_int, ...) rather than overloaded: a string
 * literal would otherwise pick the bool overload.
 */
class ConfigBuilder {
public:
    ConfigBuilder() : builder_(kmipkit_config_builder_new()) {
        if (!builder_)
            throw std::bad_alloc();
    }

    /* Adds a copy of `server`: the first is the primary, the others are tried in order. */
    ConfigBuilder &add_server(const ServerBuilder &server) {
        detail::check(kmipkit_config_builder_add_server(builder_.get(), server.get()));
        return *this;
    }

    ConfigBuilder &set_text(const std::string &section, const std::string &key,
                            const std::string &value) {
        detail::check(kmipkit_config_builder_set_text(builder_.get(), detail::c_text(section, "section"),
                                                      detail::c_text(key, "key"),
                                                      detail::c_text(value, "value")));
        return *this;
    }

    ConfigBuilder &set_int(const std::string &section, const std::string &key, std::int64_t value) {
        detail::check(kmipkit_config_builder_set_int(builder_.get(), detail::c_text(section, "section"),
                                                     detail::c_text(key, "key"), value));
        return *this;
    }

    ConfigBuilder &set_float(const std::string &section, const std::string &key, double value) {
        detail::check(kmipkit_config_builder_set_float(
            builder_.get(), detail::c_text(section, "section"), detail::c_text(key, "key"), value));
        return *this;
    }

    ConfigBuilder &set_bool(const std::string &section, const std::string &key, bool value) {
        detail::check(kmipkit_config_builder_set_bool(builder_.get(), detail::c_text(section, "section"),
                                                      detail::c_text(key, "key"), value));
        return *this;
    }

    /* The directory relative paths resolve against (default: the current directory). */
    ConfigBuilder &set_base_dir(const std::string &dir) {
        detail::check(kmipkit_config_builder_set_base_dir(builder_.get(), detail::c_text(dir, "dir")));
        return *this;
    }

    /* Checks the settings as loading a file would; the builder stays usable. */
    Config build() const {
        kmipkit_config *config = nullptr;
        detail::check(kmipkit_config_builder_build(builder_.get(), &config));
        return Config(config);
    }

private:
    detail::Owned<kmipkit_config_builder, kmipkit_config_builder_free> builder_;
};

}  // namespace kmipkit

#endif /* KMIPKIT_CONFIG_HPP */
