//! `newsdesk healthcheck`: asks a running service's `/readyz` and reports through
//! the exit code, so a container image needs no curl for its `HEALTHCHECK`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// How long the whole check may take.
const TIMEOUT: Duration = Duration::from_secs(3);

/// Calls `GET /readyz` on the service listening at `listen` (a wildcard listen
/// address such as `0.0.0.0:8080` is asked on loopback) and succeeds on a 200.
pub fn check(listen: &str) -> anyhow::Result<()> {
    let target = local_address(listen)?;
    let mut stream = TcpStream::connect_timeout(&target, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    write!(stream, "GET /readyz HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n")?;
    let mut response = Vec::new();
    stream.take(64 * 1024).read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    let status_line = text.lines().next().unwrap_or_default();
    match status_line.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        _ => anyhow::bail!("not ready: {status_line:?}"),
    }
}

fn local_address(listen: &str) -> anyhow::Result<SocketAddr> {
    let mut address = listen.to_socket_addrs()?.next().ok_or_else(|| anyhow::anyhow!("{listen} names no address"))?;
    if address.ip().is_unspecified() {
        address.set_ip(if address.is_ipv4() { [127, 0, 0, 1].into() } else { std::net::Ipv6Addr::LOCALHOST.into() });
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_are_asked_on_loopback() {
        assert_eq!(local_address("0.0.0.0:8080").unwrap(), "127.0.0.1:8080".parse().unwrap());
        assert_eq!(local_address("[::]:9000").unwrap(), "[::1]:9000".parse().unwrap());
        assert_eq!(local_address("127.0.0.1:1").unwrap(), "127.0.0.1:1".parse().unwrap());
    }

    #[test]
    fn nothing_listening_is_a_failure() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        assert!(check(&format!("127.0.0.1:{port}")).is_err());
    }
}
