//! Finding keys across the servers of a cluster, for Model 1 and Model 2.
//!
//! Servers that do not replicate (PyKMIP) number their objects independently, so a ciphertext's
//! key is the object with the UID **and** the name its header records: [`fetch_named_aes256`]
//! finds the server that holds that UID under that name ([`Client::find_named`]) and Gets the key
//! there. A server that holds another key under the UID is passed over, not reported as tampering;
//! this also makes the UID in a header one that `Locate(name)` returns (issue 18.4).
//!
//! Names are looked up on every server before "not found" ([`find_by_name`]). Creating a key
//! on first use (`existing_or_may_create`) is refused while the primary cannot be asked and the
//! key is on no other server — unless [`ClusterSettings::create_when_primary_down`] says the
//! servers replicate — because the primary may hold the key already and a second, different key
//! would split the identifier's data between two keys.
//!
//! [`ClusterSettings::create_when_primary_down`]: crate::config::ClusterSettings

use super::format::KeyRef;
use super::model1::aes256_of;
use super::model2::{DecryptPolicy, canonical, check_decryptable, version_key_name};
use crate::client::{Client, Holder, NameSearch};
use crate::error::{Error, Result};
use crate::keys::SecretBytes;
use crate::message::GetRequest;

/// The AES-256 key `uid` named `name`, from the server that holds that UID under that name, and
/// where it was found ([`Holder::detour`] tells what other servers hold under that UID).
///
/// ```no_run
/// # async fn run(client: &kmipkit::client::Client) -> kmipkit::error::Result<()> {
/// use kmipkit::envelope::lookup::fetch_named_aes256;
/// let (key, holder) = fetch_named_aes256(client, "customer-alice", "7").await?;
/// assert_eq!(key.len(), 32);
/// println!("found on {}", holder.server);
/// # Ok(()) }
/// ```
pub async fn fetch_named_aes256(
    client: &Client,
    name: &str,
    uid: &str,
) -> Result<(SecretBytes, Holder)> {
    let holder = client.find_named(uid, name).await?;
    let got = client
        .get_on(&holder.server, GetRequest::new(Some(uid.to_string())))
        .await?;
    Ok((aes256_of(uid, got.object)?, holder))
}

/// The key a Model 2 key reference names: the object with its UID and its version's KMIP Name
/// ([`version_key_name`]).
pub async fn fetch_key_of(client: &Client, key_ref: &KeyRef) -> Result<(SecretBytes, Holder)> {
    let name = version_key_name(&key_ref.name, key_ref.version);
    fetch_named_aes256(client, &name, &key_ref.uid).await
}

/// The key of `key_ref` for decryption: found like [`fetch_key_of`], its version's state checked
/// against `policy` (from the same Get Attributes that found it) before the key is fetched.
/// Returns the key, whether it may be cached (not a compromised key read on request), and the
/// sentence to show when the key was not on the first server asked ([`Holder::detour`]).
pub(crate) async fn decryptable_key(
    client: &Client,
    key_ref: &KeyRef,
    policy: DecryptPolicy,
) -> Result<(SecretBytes, bool, Option<String>)> {
    let name = version_key_name(&key_ref.name, key_ref.version);
    let holder = client.find_named(&key_ref.uid, &name).await?;
    let state = holder.state.ok_or_else(|| Error::Protocol {
        reason: format!(
            "{} reported no State for key {:?}: kmipkit checks a key's state before it decrypts",
            holder.server, key_ref.uid
        ),
    })?;
    let cacheable = check_decryptable(key_ref, state, policy)?;
    let got = client
        .get_on(&holder.server, GetRequest::new(Some(key_ref.uid.clone())))
        .await?;
    Ok((
        aes256_of(&key_ref.uid, got.object)?,
        cacheable,
        holder.detour(),
    ))
}

/// The UID of the object named `name` on the first server that has one (the lowest UID there,
/// see [`super::model2`]); `None` when no server has it. While the primary cannot be asked and
/// no other server has it, the answer is unknown: an [`Error::Connect`] naming the primary
/// (other servers that cannot be asked do not stop the answer).
pub async fn find_by_name(client: &Client, name: &str) -> Result<Option<String>> {
    let mut search = client.search_name(name).await?;
    if let Some(uid) = search.found.take().and_then(|(_, ids)| canonical(ids)) {
        return Ok(Some(uid));
    }
    match primary_down(client, &search, name) {
        Some(err) => Err(err),
        None => Ok(None),
    }
}

/// The first step of create-on-first-use: the UID of the key named `name` on any server, or
/// `None` when it may be created. Refuses while the primary cannot be asked and no other server
/// has the key (see the module documentation), unless the client's
/// [`ClusterSettings::create_when_primary_down`](crate::config::ClusterSettings) allows it.
pub(crate) async fn existing_or_may_create(client: &Client, name: &str) -> Result<Option<String>> {
    let mut search = client.search_name(name).await?;
    if let Some(uid) = search.found.take().and_then(|(_, ids)| canonical(ids)) {
        return Ok(Some(uid));
    }
    match primary_down(client, &search, name) {
        Some(err) if !client.cluster_settings().create_when_primary_down => Err(err),
        _ => Ok(None),
    }
}

/// The error for "`name` is on no server that answered, and the primary could not be asked".
fn primary_down(client: &Client, search: &NameSearch, name: &str) -> Option<Error> {
    let names = client.server_names();
    let primary = names.first()?;
    let why = search.unreachable(primary)?;
    let address = client
        .cluster()
        .server_address(primary)
        .map_or_else(String::new, |(host, port)| format!("{host}:{port}"));
    Some(Error::Connect {
        server: primary.clone(),
        address,
        reason: format!(
            "cannot tell whether `{name}` exists: {primary} is down ({why}) and no other server has it; creating it elsewhere could give it a second, different key. Retry when {primary} is back, or, if the servers replicate keys (`kmipkit servers check`), set [cluster] create_when_primary_down = true"
        ),
    })
}
