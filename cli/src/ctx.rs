//! What every subcommand shares: the configuration, the output mode, a runtime and a client.

use std::path::PathBuf;
use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::config::Config;

use crate::exit::{CliResult, Exit, Failure};
use crate::output::Out;

/// The global options, resolved.
pub struct Ctx {
    /// `--config`, `$KMIPKIT_CONFIG` or `./kmipkit.toml`.
    pub config_path: PathBuf,
    /// How to report.
    pub out: Out,
}

impl Ctx {
    /// Loads and checks the configuration file (permissions included, by the core's loader).
    pub fn config(&self) -> CliResult<Config> {
        if !self.config_path.exists() {
            return Err(Failure::new(
                Exit::Config,
                format!("no configuration file at {}", self.config_path.display()),
            )
            .hint(
                "pass --config PATH or set KMIPKIT_CONFIG; to start one: `kmipkit config example > kmipkit.toml && chmod 600 kmipkit.toml`",
            ));
        }
        Ok(Config::load(&self.config_path)?)
    }

    /// Runs `body` with a client connected as the configuration says, on a small runtime.
    pub fn with_client<T>(
        &self,
        body: impl AsyncFnOnce(Arc<Client>, Config) -> CliResult<T>,
    ) -> CliResult<T> {
        let config = self.config()?;
        let sections = sections(&config);
        let out = self.out;
        runtime()?.block_on(async move {
            let connected = {
            let connect = Client::connect(&config);
            tokio::pin!(connect);
            tokio::select! {
                result = &mut connect => result,
                () = tokio::time::sleep(PATIENCE) => {
                    // Failover retries until the deadline (60 s by default): say why it is quiet.
                    out.notice(format!(
                        "no key server has answered yet; retrying until the {} s deadline ([timeouts] deadline); Ctrl-C to stop. The servers are {sections}",
                        config.timeouts.deadline.as_secs()
                    ));
                    connect.await
                }
            }
            };
            let client = Arc::new(connected.map_err(|e| {
                let failure = Failure::from(e);
                match (failure.exit, failure.hint.clone()) {
                    (Exit::Connection, Some(hint)) => {
                        failure.hint(format!("{hint}; the servers are {sections}"))
                    }
                    _ => failure,
                }
            })?);
            let result = body(client.clone(), config).await;
            // The logger writes from background threads: give it time to write this command's
            // events (and their audit rows) before the process exits.
            client.logger().flush(std::time::Duration::from_secs(5));
            result
        })
    }
}

/// How long connecting may take before the command says it is still waiting.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

/// Where each server is configured, for advice: `kms1 = [primary], kms2 = [[secondary]] ... in FILE`.
fn sections(config: &Config) -> String {
    let list: Vec<String> = config
        .servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let section = if i == 0 {
                "[primary]"
            } else {
                "a [[secondary]]"
            };
            format!("{} at {} ({section})", s.name, s.address())
        })
        .collect();
    format!(
        "{} in {}",
        list.join(", "),
        config
            .path
            .as_ref()
            .map_or_else(|| "kmipkit.toml".into(), |p| p.display().to_string())
    )
}

/// A tokio runtime for one command: current thread, timers and I/O on.
pub fn runtime() -> CliResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Exit::General, format!("cannot start the I/O runtime: {e}")))
}
