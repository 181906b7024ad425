//! What `load_bench` measures: the operations, what each works on, and the check of every
//! reply (a refusal or a wrong answer is an error, never a fast operation).

use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::envelope::format::Header;
use kmipkit::envelope::model1::{Model1, ProtectedDek};
use kmipkit::envelope::model2::Model2;
use kmipkit::keys::{CacheLimits, KeyCache};
use kmipkit::message::{GetRequest, KeyMaterial, Object};

/// Bound to every envelope ciphertext as associated data.
const CONTEXT: &[u8] = b"kmipkit/load-bench";
const KEK_NAME: &str = "bench-kek";
const MODEL2_PREFIX: &str = "bench:";
const MODEL2_ID: &str = "load";

/// The operation a run measures (`--op`; see the example's documentation for what each does).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    Get,
    Model1Seal,
    Model1Open,
    Model2Seal,
    Model2Open,
}

impl Op {
    /// Every operation with its `--op` name.
    pub const ALL: [(&'static str, Op); 5] = [
        ("get", Op::Get),
        ("model1-seal", Op::Model1Seal),
        ("model1-open", Op::Model1Open),
        ("model2-seal", Op::Model2Seal),
        ("model2-open", Op::Model2Open),
    ];

    /// The `--op` name.
    pub fn name(self) -> &'static str {
        Op::ALL
            .iter()
            .find(|(_, op)| *op == self)
            .expect("listed")
            .0
    }
}

/// What every operation of the run works on, made once before the warm-up.
pub enum Work {
    Get {
        uid: String,
    },
    Model1 {
        model: Model1,
        protected: ProtectedDek,
        header: Header,
        ciphertext: Vec<u8>,
    },
    Model2 {
        model: Model2,
        ciphertext: Vec<u8>,
    },
}

pub async fn prepare(
    client: &Arc<Client>,
    op: Op,
    uid: Option<String>,
    cache_on: bool,
    plaintext: &[u8],
) -> Work {
    let cache = || Arc::new(KeyCache::new(CacheLimits::default()));
    match op {
        Op::Get => Work::Get {
            uid: uid.expect("--op get needs --uid"),
        },
        Op::Model1Seal | Op::Model1Open => {
            let mut model = Model1::new(client.clone(), KEK_NAME, 1).expect("KEK name");
            model.ensure_kek().await.expect("find or create the KEK");
            let (dek, protected) = model.create_dek().await.expect("Model 1 create_dek");
            let ciphertext = model
                .seal_with_dek(&dek, &protected, CONTEXT, plaintext)
                .expect("Model 1 seal at start-up");
            let header = Header::parse(&ciphertext).expect("own header").0;
            if cache_on {
                model = model.with_cache(cache());
            }
            Work::Model1 {
                model,
                protected,
                header,
                ciphertext,
            }
        }
        Op::Model2Seal | Op::Model2Open => {
            let mut model = Model2::new(client.clone(), MODEL2_PREFIX).expect("Model 2 prefix");
            let ciphertext = model
                .encrypt(MODEL2_ID, CONTEXT, plaintext)
                .await
                .expect("Model 2 encrypt at start-up (creates the key on first use)");
            if cache_on {
                model = model.with_cache(cache());
            }
            Work::Model2 { model, ciphertext }
        }
    }
}

/// One operation, its reply checked; an error names what was wrong.
pub async fn once(client: &Client, work: &Work, op: Op, plaintext: &[u8]) -> Result<(), String> {
    let fail = |e: kmipkit::Error| format!("{}: {e}", op.name());
    match work {
        Work::Get { uid } => {
            let reply = client
                .get(GetRequest::new(Some(uid.clone())))
                .await
                .map_err(fail)?;
            if &reply.unique_identifier != uid {
                return Err(format!("Get answered for {:?}", reply.unique_identifier));
            }
            let Object::SymmetricKey(key) = &reply.object else {
                return Err(format!("Get returned a {:?}", reply.object_type));
            };
            match key.key_block.key_material() {
                Some(KeyMaterial::Bytes(b)) if b.0.len() == 32 => Ok(()),
                _ => Err("Get returned no 32-byte key".into()),
            }
        }
        Work::Model1 {
            model,
            protected,
            header,
            ciphertext,
        } => {
            if op == Op::Model1Open {
                let opened = model.open(ciphertext, CONTEXT).await.map_err(fail)?;
                return same(&opened, plaintext);
            }
            let dek = model.unlock_header(header).await.map_err(fail)?;
            let sealed = model
                .seal_with_dek(&dek, protected, CONTEXT, plaintext)
                .map_err(fail)?;
            sealed_under(&sealed, ciphertext.len(), &protected.kek.name)
        }
        Work::Model2 { model, ciphertext } => {
            if op == Op::Model2Open {
                let opened = model
                    .decrypt(MODEL2_ID, ciphertext, CONTEXT)
                    .await
                    .map_err(fail)?;
                return same(&opened, plaintext);
            }
            let sealed = model
                .encrypt(MODEL2_ID, CONTEXT, plaintext)
                .await
                .map_err(fail)?;
            let name = model.key_name(MODEL2_ID).map_err(fail)?;
            sealed_under(&sealed, ciphertext.len(), &name)
        }
    }
}

fn same(opened: &[u8], plaintext: &[u8]) -> Result<(), String> {
    match opened == plaintext {
        true => Ok(()),
        false => Err("the opened plaintext differs from the sealed one".into()),
    }
}

/// A fresh ciphertext of the expected length whose header names the expected key.
fn sealed_under(sealed: &[u8], length: usize, key_name: &str) -> Result<(), String> {
    let header = Header::parse(sealed).map_err(|e| e.to_string())?.0;
    if sealed.len() != length || header.key_ref.name != key_name {
        return Err(format!(
            "sealed {} bytes under {:?}; expected {length} under {key_name:?}",
            sealed.len(),
            header.key_ref.name
        ));
    }
    Ok(())
}
