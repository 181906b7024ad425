//! `kmipkit rotate [--bulk]`: move ciphertext files to the newest key version.
//!
//! Model 1 files are re-wrapped: the protected data key in the header is unlocked and protected
//! again under the target KEK version; the body is copied byte for byte. Model 2 files are
//! re-encrypted under the key's primary version, streamed (decrypt old → encrypt new), in constant
//! memory, with the keys and checks of the core's streaming ([`kmipkit::envelope::streaming`]);
//! each key version is fetched once per run (the run's key cache, by name and UID). Each file is rewritten atomically (temporary file, then rename), so an interruption
//! leaves every file in its old or its new form, both readable, and a re-run skips the files
//! already current: the job is resumable. The summary lists what moved and which files still
//! depend on which key version (read from the headers, no key-manager call).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::Path;
use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::envelope::format::{Header, KeyRef, MAGIC, error_of};
use kmipkit::envelope::model1::{KekMethod, Model1};
use kmipkit::envelope::model2::{DecryptPolicy, Model2};
use kmipkit::envelope::rotation::Model1Rotation;
use kmipkit::envelope::streaming::{CopyError, Sealed, sealed_by};
use kmipkit::keys::{CacheLimits, KeyCache};
use serde_json::json;

use crate::args::RotateArgs;
use crate::crypt::context_bytes;
use crate::ctx::Ctx;
use crate::dek::target_version;
use crate::exit::{CliResult, Exit, Failure};
use crate::files::AtomicFile;
use crate::progress::Bar;
use crate::rotate_files::{Recording, Snapshot, collect, dependencies};

/// What happened to one file.
enum Moved {
    /// Not a kmipkit ciphertext (bad magic): left alone.
    Skipped,
    Rewrapped,
    Reencrypted,
    Current,
}

/// Keys and rotations looked up once per run.
struct Session {
    client: Arc<Client>,
    /// `[key] kek_method`: how re-wrapped data keys are protected.
    kek_method: Option<KekMethod>,
    to_version: Option<u32>,
    context: Vec<u8>,
    model1: HashMap<String, (u32, Model1Rotation)>,
    primaries: HashMap<String, KeyRef>,
    /// Model 2 by base key name, with the identifier; all of them share `cache`.
    model2: HashMap<String, (Model2, String)>,
    /// The Model 2 keys fetched in this run, by key name and UID.
    cache: Arc<KeyCache>,
}

/// Runs `kmipkit rotate`.
pub fn run(ctx: &Ctx, args: RotateArgs, show_progress: bool) -> CliResult {
    let (files, leftovers) = collect(&args)?;
    if files.is_empty() {
        return Err(Failure::usage("no ciphertext files given")
            .hint("kmipkit rotate --bulk DIR... or --list FILE"));
    }
    let context = context_bytes(&args.context)?;
    let out = ctx.out;
    ctx.with_client(async move |client, config| {
        let mut session = Session {
            client,
            kek_method: config.key.kek_method,
            to_version: args.to_version,
            context,
            model1: HashMap::new(),
            primaries: HashMap::new(),
            model2: HashMap::new(),
            cache: Arc::new(KeyCache::new(CacheLimits::default())),
        };
        let mut bar = Bar::items("rotating", files.len() as u64, show_progress);
        let (mut rewrapped, mut reencrypted, mut current) = (0, 0, 0);
        let mut skipped = Vec::new();
        let mut failed = Vec::new();
        for (i, path) in files.iter().enumerate() {
            match session.one(path, args.dry_run).await {
                Ok(Moved::Rewrapped) => rewrapped += 1,
                Ok(Moved::Reencrypted) => reencrypted += 1,
                Ok(Moved::Current) => current += 1,
                Ok(Moved::Skipped) => skipped.push(path.clone()),
                Err(f) => failed.push((path.clone(), f)),
            }
            bar.set(i as u64 + 1);
        }
        bar.finish();
        let dependencies = dependencies(&files);
        let verb = if args.dry_run { "would move" } else { "moved" };
        out.line(format!(
            "{} files: {verb} {} (re-wrapped {rewrapped}, re-encrypted {reencrypted}), already current {current}, failed {}, not ciphertexts (skipped) {}",
            files.len(),
            rewrapped + reencrypted,
            failed.len(),
            skipped.len()
        ));
        if !leftovers.is_empty() {
            out.line(format!(
                "{} {} temporary file(s) left by an earlier run that was killed",
                if args.dry_run { "would remove" } else { "removed" },
                leftovers.len()
            ));
        }
        for (path, f) in &failed {
            out.line(format!("  failed: {}: {}", path.display(), f.message));
        }
        out.line(if dependencies.is_empty() {
            "files per key version they depend on now: none"
        } else {
            "files per key version they depend on now:"
        });
        for ((name, version), paths) in &dependencies {
            let shown: Vec<String> = paths.iter().take(3).map(|p| p.display().to_string()).collect();
            let old = match session.newest(name) {
                Some(newest) if newest > *version => format!(" (still on an old version; newest is v{newest})"),
                _ => String::new(),
            };
            out.line(format!(
                "  {name} v{version}: {} file(s){old}: {}{}",
                paths.len(),
                shown.join(", "),
                if paths.len() > 3 { ", ..." } else { "" }
            ));
        }
        out.document(json!({
            "files": files.len(),
            "dry_run": args.dry_run,
            "rewrapped": rewrapped,
            "reencrypted": reencrypted,
            "already_current": current,
            "skipped": skipped,
            "removed_leftovers": leftovers,
            "failed": failed.iter().map(|(p, f)| json!({"file": p, "exit_code": f.exit.code(), "message": f.message})).collect::<Vec<_>>(),
            "dependencies": dependencies.iter().map(|((n, v), p)| json!({
                "key": n, "version": v, "files": p,
                "newest_version": session.newest(n),
                "outdated": session.newest(n).is_some_and(|newest| newest > *v),
            })).collect::<Vec<_>>(),
        }));
        match failed.into_iter().next() {
            None => Ok(()),
            Some((path, f)) => Err(Failure {
                message: format!("{}: {} (the other files were processed; run again to resume)", path.display(), f.message),
                ..f
            }),
        }
    })
}

impl Session {
    async fn one(&mut self, path: &Path, dry_run: bool) -> CliResult<Moved> {
        // The rename must replace the file a link points to, not the link.
        let target = std::fs::canonicalize(path).map_err(|e| Failure::io("open", path, &e))?;
        let file = File::open(&target).map_err(|e| Failure::io("open", path, &e))?;
        let before = Snapshot::of(&file.metadata().map_err(|e| Failure::io("stat", path, &e))?);
        let mut reader = Recording {
            inner: BufReader::with_capacity(1 << 16, file),
            seen: Vec::new(),
        };
        let header = match Header::read_from(&mut reader) {
            Ok(header) => header,
            Err(e) => {
                let foreign = !reader.seen.starts_with(&MAGIC);
                return match kmipkit::envelope::format::error_of(&e) {
                    // Only files that do not even start like a ciphertext are skipped; a damaged
                    // ciphertext is a failure to report.
                    _ if foreign => Ok(Moved::Skipped),
                    Some(err) => Err(Failure::from(err.clone())),
                    None => Err(Failure::io("read", path, &e)),
                };
            }
        };
        let header_bytes = std::mem::take(&mut reader.seen);
        let mut body = reader.inner;
        let key_ref = match sealed_by(&header)? {
            Sealed::Model2(key_ref) => key_ref,
            Sealed::Model1(protected) => {
                let rotation = self.model1_rotation(&protected.kek.name).await?;
                if rotation.is_current(&header_bytes)? {
                    return Ok(Moved::Current);
                }
                if dry_run {
                    return Ok(Moved::Rewrapped);
                }
                let new_header = rotation.rewrap(&header_bytes).await?;
                let mut out = AtomicFile::create(&target)?;
                out.write_all(&new_header)
                    .map_err(|e| Failure::io("write", path, &e))?;
                io::copy(&mut body, &mut out).map_err(|e| Failure::io("copy", path, &e))?;
                before.unchanged(&target, path)?;
                out.commit()?;
                return Ok(Moved::Rewrapped);
            }
        };
        let primary = self.primary(&key_ref.name).await?;
        if primary.version == key_ref.version {
            return Ok(Moved::Current);
        }
        if dry_run {
            return Ok(Moved::Reencrypted);
        }
        let (model, id) = &self.model2[&key_ref.name];
        // The old version's state is checked first: a Compromised or Destroyed version is
        // refused, as `decrypt` refuses it.
        let old = model
            .opening_key(id, &header, DecryptPolicy::default())
            .await?;
        let new = model.sealing_key(id).await?;
        let out = AtomicFile::create(&target)?;
        let (out, _) = old
            .reencrypt(body, &new, out, &self.context)
            .map_err(|e| match e {
                CopyError::Read(e) => match error_of(&e) {
                    Some(err) => Failure::from(err.clone()),
                    None => Failure::io("re-encrypt", path, &e),
                },
                CopyError::Write(e) => Failure::io("write", path, &e),
            })?;
        before.unchanged(&target, path)?;
        out.commit()?;
        Ok(Moved::Reencrypted)
    }

    /// The version files of key `name` are moved to in this run, when the run looked it up.
    fn newest(&self, name: &str) -> Option<u32> {
        self.model1
            .get(name)
            .map(|(version, _)| *version)
            .or_else(|| self.primaries.get(name).map(|k| k.version))
    }

    async fn model1_rotation(&mut self, name: &str) -> CliResult<&mut Model1Rotation> {
        if !self.model1.contains_key(name) {
            let version = target_version(&self.client, name, self.to_version).await?;
            let mut target = Model1::new(self.client.clone(), name, version)?;
            if let Some(method) = self.kek_method {
                target = target.with_kek_method(method);
            }
            target.kek().await.map_err(|e| {
                Failure::from(e).hint(format!(
                    "create version {version} first: kmipkit key rotate --kek {name}"
                ))
            })?;
            self.model1
                .insert(name.to_string(), (version, Model1Rotation::new(target)));
        }
        Ok(&mut self.model1.get_mut(name).expect("inserted above").1)
    }

    async fn primary(&mut self, name: &str) -> CliResult<KeyRef> {
        if let Some(k) = self.primaries.get(name) {
            return Ok(k.clone());
        }
        let (model, id) = Model2::for_key_name(self.client.clone(), name)?;
        let model = model.with_cache(self.cache.clone());
        // `key_for` creates a key that does not exist: a file naming an unknown key (a foreign
        // or forged header, or a key destroyed since) must not make one, not even in a dry run.
        if model.versions(&id).await?.is_empty() {
            return Err(Failure::new(
                Exit::Refused,
                format!("the key manager has no key named {name:?}"),
            ));
        }
        let primary = model.key_for(&id).await?;
        self.primaries.insert(name.to_string(), primary.clone());
        self.model2.insert(name.to_string(), (model, id));
        Ok(primary)
    }
}
