//! Whether an idle pooled connection may carry the next request, read through its TLS session.
//!
//! A peek at the socket is not enough: a TLS 1.3 server sends NewSessionTicket records after
//! the handshake (Cosmian KMS sends them once the client's Finished arrives), so a connection
//! that completed its handshake and joined the pool without a round trip has readable bytes
//! that mean nothing is wrong. The records waiting are handed to rustls instead: session
//! tickets and key updates are handshake traffic it consumes; application data nobody asked
//! for, a close_notify, a TCP close or a record rustls rejects make the connection unusable.

use std::io::{self, Read};

use rustls::ClientConnection;

/// Reads what the server sent while the connection was idle, from `socket` (non-blocking: it
/// answers `WouldBlock` when nothing more is waiting), into `session`. `true` when the
/// connection can carry another request.
pub(super) fn drain_idle(session: &mut ClientConnection, socket: &mut dyn Read) -> bool {
    loop {
        match session.read_tls(socket) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) | Ok(0) => return false,
            Ok(_) => match session.process_new_packets() {
                Ok(state) if state.plaintext_bytes_to_read() == 0 && !state.peer_has_closed() => {}
                _ => return false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    use rustls::{RootCertStore, ServerConfig, ServerConnection};

    use super::*;

    /// A self-signed EC P-256 certificate for `localhost` and its key, for this test only.
    const CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBkjCCATigAwIBAgIUTkzwWDNNGfjo3unQuJ45P7jHD84wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMzE0MzY0NFoYDzIxMjYxMTA5
MTQzNjQ0WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARcl9wKqsypwPCU3bOnNzW2haXnwUQ3hN/w3RipFzzoJhB80A5uxt+v
z3x5/6kPzKBd/nGjVFRi5viMyT4jZKEEo2YwZDAdBgNVHQ4EFgQUZReKTzRUdnhj
jt4gfIvaIDZO7SkwHwYDVR0jBBgwFoAUZReKTzRUdnhjjt4gfIvaIDZO7SkwFAYD
VR0RBA0wC4IJbG9jYWxob3N0MAwGA1UdEwEB/wQCMAAwCgYIKoZIzj0EAwIDSAAw
RQIgMuoBoDRU4DpOOnkiCpVSyVkz0X3VsfWjKCgGyKErajUCIQDq+PnkJbQ+wemk
QyUIT6IKLNOBar1M/saSoSnCmg5Ciw==
-----END CERTIFICATE-----
";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggTLbH8D3+di6PIFk
Tbzcj2vOpP94HSg54oAWlg5R3F2hRANCAARcl9wKqsypwPCU3bOnNzW2haXnwUQ3
hN/w3RipFzzoJhB80A5uxt+vz3x5/6kPzKBd/nGjVFRi5viMyT4jZKEE
-----END PRIVATE KEY-----
";

    /// Bytes the server sent, then `WouldBlock` as a non-blocking socket says when drained.
    struct Waiting(io::Cursor<Vec<u8>>);

    impl Read for Waiting {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(io::ErrorKind::WouldBlock.into()),
                n => Ok(n),
            }
        }
    }

    fn flight(from: &mut dyn FnMut(&mut Vec<u8>) -> usize) -> Vec<u8> {
        let mut out = Vec::new();
        while from(&mut out) > 0 {}
        out
    }

    /// A TLS 1.3 client and server, handshake done in memory; returns what the server sent
    /// after the client's Finished (its session tickets), not yet read by the client.
    fn handshaken() -> (ClientConnection, ServerConnection, Vec<u8>) {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let cert = CertificateDer::from_pem_slice(CERT.as_bytes()).unwrap();
        let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).unwrap();
        let server_config = ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert.clone()], key)
            .unwrap();
        let mut roots = RootCertStore::empty();
        roots.add(cert).unwrap();
        let client_config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from("localhost").unwrap();
        let mut client = ClientConnection::new(Arc::new(client_config), name).unwrap();
        let mut server = ServerConnection::new(Arc::new(server_config)).unwrap();
        while client.is_handshaking() || server.is_handshaking() {
            let to_server = flight(&mut |out| client.write_tls(out).unwrap());
            server.read_tls(&mut &to_server[..]).unwrap();
            server.process_new_packets().unwrap();
            if !client.is_handshaking() {
                break;
            }
            let to_client = flight(&mut |out| server.write_tls(out).unwrap());
            client.read_tls(&mut &to_client[..]).unwrap();
            client.process_new_packets().unwrap();
        }
        let tickets = flight(&mut |out| server.write_tls(out).unwrap());
        (client, server, tickets)
    }

    #[test]
    fn session_tickets_after_the_handshake_leave_the_connection_usable() {
        let (mut client, _server, tickets) = handshaken();
        assert!(!tickets.is_empty(), "the server sent no session ticket");
        assert!(drain_idle(
            &mut client,
            &mut Waiting(io::Cursor::new(tickets))
        ));
        // Nothing waiting at all.
        assert!(drain_idle(
            &mut client,
            &mut Waiting(io::Cursor::new(Vec::new()))
        ));
    }

    #[test]
    fn stray_data_a_close_notify_or_a_tcp_close_retire_it() {
        let (mut client, mut server, _) = handshaken();
        io::Write::write_all(&mut server.writer(), b"unasked").unwrap();
        let stray = flight(&mut |out| server.write_tls(out).unwrap());
        assert!(!drain_idle(
            &mut client,
            &mut Waiting(io::Cursor::new(stray))
        ));

        let (mut client, mut server, _) = handshaken();
        server.send_close_notify();
        let close = flight(&mut |out| server.write_tls(out).unwrap());
        assert!(!drain_idle(
            &mut client,
            &mut Waiting(io::Cursor::new(close))
        ));

        let (mut client, _, _) = handshaken();
        assert!(!drain_idle(&mut client, &mut io::empty()), "TCP close");
        // A record of no known content type.
        let junk = vec![0xff, 0x03, 0x03, 0x00, 0x01, 0x00];
        assert!(!drain_idle(
            &mut client,
            &mut Waiting(io::Cursor::new(junk))
        ));
    }
}
