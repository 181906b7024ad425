//! Configuration: `kmipkit_config` from a `kmipkit.toml` file or text, or built setting by
//! setting with `kmipkit_config_builder` and `kmipkit_server_builder` — the core's
//! `ConfigBuilder`, so the checks and messages are those of a file.

use std::ffi::c_char;
use std::path::Path;

use kmipkit::config::{Config, ConfigBuilder, ServerBuilder, Setting};

use crate::boundary::{
    ffi, ffi_value, give, handle, handle_mut, optional_text, out, take_back, text,
};
use crate::bytes::give_string;
use crate::result::kmipkit_result;

/// A checked configuration: servers, TLS file paths, key name, timeouts, logging and audit.
/// Holds paths and settings, never a secret (keys and passwords are read from their files when
/// a client connects).
///
/// Thread safety: immutable once made; may be shared by threads and used by many connects.
pub struct kmipkit_config {
    pub(crate) inner: Config,
}

/// A configuration being built: `kmipkit_config_builder_new`, then `_set_*` and
/// `_add_server`, then `_build`. Thread safety: one thread at a time.
pub struct kmipkit_config_builder {
    inner: ConfigBuilder,
}

/// One key server for `kmipkit_config_builder_add_server`: the settings of a `[primary]` or
/// `[[secondary]]` table. Thread safety: one thread at a time.
pub struct kmipkit_server_builder {
    inner: ServerBuilder,
}

/// Reads, permission-checks and parses the `kmipkit.toml` at `path` into `*out`, which the
/// caller frees with `kmipkit_config_free`. A file, key or password file that other users can
/// read or write is refused (`KMIPKIT_RESULT_CONFIG`, naming the file and the fix).
///
/// ```c
/// kmipkit_config *config = NULL;
/// if (kmipkit_config_load("/etc/kmipkit/kmipkit.toml", &config) != KMIPKIT_RESULT_OK)
///     return report_last_error();
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_load(
    path: *const c_char,
    out_config: *mut *mut kmipkit_config,
) -> kmipkit_result {
    ffi("kmipkit_config_load", || {
        let slot = out(out_config, "out_config")?;
        *slot = std::ptr::null_mut();
        let inner = Config::load(text(path, "path")?)?;
        *slot = give(kmipkit_config { inner });
        Ok(())
    })
}

/// Parses configuration text (the content of a `kmipkit.toml`) into `*out`; relative paths in
/// it resolve against `base_dir` (NULL: the current directory). Freed with
/// `kmipkit_config_free`.
///
/// ```c
/// const char *toml = "[primary]\nhost = \"kms1.example.com\"\n...";
/// kmipkit_config *config = NULL;
/// kmipkit_result rc = kmipkit_config_from_toml(toml, "/etc/kmipkit", &config);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_from_toml(
    toml: *const c_char,
    base_dir: *const c_char,
    out_config: *mut *mut kmipkit_config,
) -> kmipkit_result {
    ffi("kmipkit_config_from_toml", || {
        let slot = out(out_config, "out_config")?;
        *slot = std::ptr::null_mut();
        let base = optional_text(base_dir, "base_dir")?.unwrap_or(".");
        let inner = Config::from_toml(text(toml, "toml")?, Path::new(base))?;
        *slot = give(kmipkit_config { inner });
        Ok(())
    })
}

/// Frees a configuration. NULL is accepted and ignored. Clients connected with it keep working.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_free(config: *mut kmipkit_config) {
    ffi_value((), || take_back(config));
}

/// The name of server `index` (0 is the primary) as a string the caller frees with
/// `kmipkit_string_free`; `KMIPKIT_RESULT_INVALID_ARGUMENT` past the last server.
///
/// ```c
/// char *name = NULL;
/// kmipkit_config_server_name(config, 0, &name); // "primary" unless named
/// kmipkit_string_free(name);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_server_name(
    config: *const kmipkit_config,
    index: usize,
    out_name: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_config_server_name", || {
        let slot = out(out_name, "out_name")?;
        *slot = std::ptr::null_mut();
        let config = handle(config, "config")?;
        match config.inner.servers.get(index) {
            Some(server) => {
                *slot = give_string(server.name.clone());
                Ok(())
            }
            None => crate::boundary::fail(
                kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
                format!(
                    "argument `index`: {index} is past the last server (the configuration has {})",
                    config.inner.servers.len()
                ),
            ),
        }
    })
}

/// The number of key servers in `config` (primary first); 0 when `config` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_server_count(config: *const kmipkit_config) -> usize {
    ffi_value(0, || {
        // SAFETY: NULL or a live kmipkit_config this library returned (the header's contract).
        unsafe { config.as_ref() }.map_or(0, |c| c.inner.servers.len())
    })
}

/// A new, empty configuration builder (never NULL), freed with `kmipkit_config_builder_free`.
///
/// ```c
/// kmipkit_config_builder *b = kmipkit_config_builder_new();
/// kmipkit_server_builder *s = NULL;
/// kmipkit_server_builder_new("kms1.example.com", &s);
/// kmipkit_server_builder_set_text(s, "ca", "ca.pem");
/// kmipkit_server_builder_set_text(s, "client_cert", "client.pem");
/// kmipkit_server_builder_set_text(s, "client_key", "client.key");
/// kmipkit_config_builder_add_server(b, s);
/// kmipkit_server_builder_free(s);
/// kmipkit_config_builder_set_text(b, "key", "name", "payments-kek");
/// kmipkit_config *config = NULL;
/// kmipkit_result rc = kmipkit_config_builder_build(b, &config);
/// kmipkit_config_builder_free(b);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_builder_new() -> *mut kmipkit_config_builder {
    ffi_value(std::ptr::null_mut(), || {
        give(kmipkit_config_builder {
            inner: ConfigBuilder::new(),
        })
    })
}

/// Frees a configuration builder. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_builder_free(builder: *mut kmipkit_config_builder) {
    ffi_value((), || take_back(builder));
}

/// Adds a copy of `server` to `builder`: the first is the primary, the others are tried in
/// order after it. The caller still owns and frees `server`.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_builder_add_server(
    builder: *mut kmipkit_config_builder,
    server: *const kmipkit_server_builder,
) -> kmipkit_result {
    ffi("kmipkit_config_builder_add_server", || {
        let server = handle(server, "server")?.inner.clone();
        let builder = handle_mut(builder, "builder")?;
        builder.inner = std::mem::take(&mut builder.inner).server(server);
        Ok(())
    })
}

/// Sets `key` of the table `section` to a text value, as a file would (`"key"`, `"name"`,
/// `"payments-kek"`). Sections: defaults, key, protocol, timeouts, pool, log, audit, cluster;
/// an unknown section or key is refused by `kmipkit_config_builder_build`, which names the ones
/// there are. Durations take text such as `"30s"`, paths resolve against `base_dir`.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_builder_set_text(
    builder: *mut kmipkit_config_builder,
    section: *const c_char,
    key: *const c_char,
    value: *const c_char,
) -> kmipkit_result {
    set_config(
        "kmipkit_config_builder_set_text",
        builder,
        section,
        key,
        || Ok(Setting::Text(text(value, "value")?.to_string())),
    )
}

/// Sets `key` of `section` to a whole number (`"pool"`, `"max_per_server"`, 8); a number given
/// for a duration counts seconds.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_builder_set_int(
    builder: *mut kmipkit_config_builder,
    section: *const c_char,
    key: *const c_char,
    value: i64,
) -> kmipkit_result {
    set_config(
        "kmipkit_config_builder_set_int",
        builder,
        section,
        key,
        || Ok(Setting::Integer(value)),
    )
}

/// Sets `key` of `section` to a number with a fraction (durations in seconds: 0.5).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_builder_set_float(
    builder: *mut kmipkit_config_builder,
    section: *const c_char,
    key: *const c_char,
    value: f64,
) -> kmipkit_result {
    set_config(
        "kmipkit_config_builder_set_float",
        builder,
        section,
        key,
        || Ok(Setting::Float(value)),
    )
}

/// Sets `key` of `section` to a boolean (`"cluster"`, `"create_when_primary_down"`, true).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_builder_set_bool(
    builder: *mut kmipkit_config_builder,
    section: *const c_char,
    key: *const c_char,
    value: bool,
) -> kmipkit_result {
    set_config(
        "kmipkit_config_builder_set_bool",
        builder,
        section,
        key,
        || Ok(Setting::Bool(value)),
    )
}

/// Sets the directory relative paths resolve against (default: the current directory).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_builder_set_base_dir(
    builder: *mut kmipkit_config_builder,
    dir: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_config_builder_set_base_dir", || {
        let dir = text(dir, "dir")?.to_string();
        let builder = handle_mut(builder, "builder")?;
        builder.inner = std::mem::take(&mut builder.inner).base_dir(dir);
        Ok(())
    })
}

/// Checks the settings and makes `*out_config` (freed with `kmipkit_config_free`), exactly as
/// loading the same file would: the same permission checks and the same messages. The builder
/// stays usable.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_config_builder_build(
    builder: *const kmipkit_config_builder,
    out_config: *mut *mut kmipkit_config,
) -> kmipkit_result {
    ffi("kmipkit_config_builder_build", || {
        let slot = out(out_config, "out_config")?;
        *slot = std::ptr::null_mut();
        let inner = handle(builder, "builder")?.inner.build()?;
        *slot = give(kmipkit_config { inner });
        Ok(())
    })
}

/// A key server at `host` (a host name or IP address; port 5696 unless set), written to
/// `*out_server` and freed with `kmipkit_server_builder_free`.
///
/// ```c
/// kmipkit_server_builder *s = NULL;
/// if (kmipkit_server_builder_new("kms1.example.com", &s) == KMIPKIT_RESULT_OK) {
///     kmipkit_server_builder_set_int(s, "port", 5696);
///     kmipkit_server_builder_free(s);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_server_builder_new(
    host: *const c_char,
    out_server: *mut *mut kmipkit_server_builder,
) -> kmipkit_result {
    new_server(
        "kmipkit_server_builder_new",
        host,
        "host",
        out_server,
        ServerBuilder::new,
    )
}

/// A key server reached by KMIP over HTTPS at `url` (`https://host[:port][/path]`, TTLV bodies
/// unless the `encoding` setting says `"json"`), written to `*out_server` as
/// `kmipkit_server_builder_new` does. The URL is checked when the configuration is built.
///
/// ```c
/// kmipkit_server_builder *s = NULL;
/// kmipkit_result rc = kmipkit_server_builder_new_https("https://kms.example.com:9998/kmip", &s);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_server_builder_new_https(
    url: *const c_char,
    out_server: *mut *mut kmipkit_server_builder,
) -> kmipkit_result {
    new_server(
        "kmipkit_server_builder_new_https",
        url,
        "url",
        out_server,
        ServerBuilder::https,
    )
}

/// Frees a server builder. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_server_builder_free(server: *mut kmipkit_server_builder) {
    ffi_value((), || take_back(server));
}

/// Sets `key` of the server to a text value: host, url, encoding, name, ca, client_cert,
/// client_key, pkcs12, pkcs12_password_file, username, password_file, password_env,
/// fingerprint_sha256. Paths resolve against the configuration's base directory. Unknown keys
/// are refused when the configuration is built.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_server_builder_set_text(
    server: *mut kmipkit_server_builder,
    key: *const c_char,
    value: *const c_char,
) -> kmipkit_result {
    set_server("kmipkit_server_builder_set_text", server, key, || {
        Ok(Setting::Text(text(value, "value")?.to_string()))
    })
}

/// Sets `key` of the server to a whole number (`"port"`, 5696).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_server_builder_set_int(
    server: *mut kmipkit_server_builder,
    key: *const c_char,
    value: i64,
) -> kmipkit_result {
    set_server("kmipkit_server_builder_set_int", server, key, || {
        Ok(Setting::Integer(value))
    })
}

fn new_server(
    function: &'static str,
    value: *const c_char,
    name: &'static str,
    out_server: *mut *mut kmipkit_server_builder,
    make: fn(String) -> ServerBuilder,
) -> kmipkit_result {
    ffi(function, || {
        let slot = out(out_server, "out_server")?;
        *slot = std::ptr::null_mut();
        let inner = make(text(value, name)?.to_string());
        *slot = give(kmipkit_server_builder { inner });
        Ok(())
    })
}

fn set_config(
    function: &'static str,
    builder: *mut kmipkit_config_builder,
    section: *const c_char,
    key: *const c_char,
    value: impl FnOnce() -> crate::boundary::Outcome<Setting>,
) -> kmipkit_result {
    ffi(function, || {
        let section = text(section, "section")?;
        let key = text(key, "key")?;
        let value = value()?;
        let builder = handle_mut(builder, "builder")?;
        builder.inner = std::mem::take(&mut builder.inner).set(section, key, value);
        Ok(())
    })
}

fn set_server(
    function: &'static str,
    server: *mut kmipkit_server_builder,
    key: *const c_char,
    value: impl FnOnce() -> crate::boundary::Outcome<Setting>,
) -> kmipkit_result {
    ffi(function, || {
        let key = text(key, "key")?;
        let value = value()?;
        let server = handle_mut(server, "server")?;
        server.inner = std::mem::take(&mut server.inner).set(key, value);
        Ok(())
    })
}
