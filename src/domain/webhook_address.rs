//! Where a webhook may point: an absolute http(s) URL whose host is a public
//! address. Loopback, private, link-local (cloud metadata included), shared,
//! multicast and reserved ranges are refused, so that a subscription cannot make
//! the service call into its own network (SSRF). The same rule is applied to every
//! address a host name resolves to at delivery time (`events::webhooks::resolver`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::text::{MAX_URL_LEN, http_url};

/// Host names that always mean this machine or a cloud metadata service, whatever
/// a resolver says.
const LOCAL_NAMES: [&str; 3] = ["localhost", "metadata.google.internal", "metadata"];

/// Whether a subscriber may be reached at `ip`: false for every range that is not
/// the public internet.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = ip.is_unspecified()
        || a == 0 // "this network"
        || ip.is_loopback() // 127/8
        || ip.is_private() // 10/8, 172.16/12, 192.168/16
        || ip.is_link_local() // 169.254/16, with 169.254.169.254 (metadata)
        || (a == 100 && (64..128).contains(&b)) // 100.64/10, shared (CGNAT; Alibaba's metadata)
        || (a == 192 && b == 0 && c == 0) // 192.0.0/24, protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 198 && (b == 18 || b == 19)) // 198.18/15, benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation
        || (a == 203 && b == 0 && c == 113) // documentation
        || ip.is_multicast() // 224/4
        || a >= 240; // 240/4 reserved, and broadcast
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    let refused = ip.is_unspecified()
        || ip.is_loopback()
        || (first & 0xfe00) == 0xfc00 // fc00::/7 unique local, with fd00::/8 (AWS metadata fd00:ec2::254)
        || (first & 0xffc0) == 0xfe80 // fe80::/10 link-local
        || (first & 0xffc0) == 0xfec0 // fec0::/10 site-local (deprecated)
        || (first & 0xff00) == 0xff00 // multicast
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || first == 0x0100; // 100::/64 discard
    !refused
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible or
/// NAT64 (`64:ff9b::a.b.c.d`) address: each reaches that IPv4 host.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    let mapped = s[..5] == [0; 5] && s[5] == 0xffff;
    let compatible = s[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified();
    let nat64 = s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4];
    (mapped || compatible || nat64).then_some(tail)
}

/// Checks a webhook URL as a client sends it: absolute http(s), at most 2,048
/// characters, no credentials in it, and (unless `allow_private`) a host that is
/// neither a refused address nor a name for this machine. A host name that
/// resolves to a refused address is caught when it is resolved.
pub(crate) fn check_url(raw: &str, allow_private: bool) -> Result<url::Url, String> {
    http_url(raw, MAX_URL_LEN)?;
    let url = url::Url::parse(raw).map_err(|_| "must be an absolute http or https URL".to_owned())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials".into());
    }
    if allow_private {
        return Ok(url);
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) if !is_public_v4(ip) => Err(refused_address(&ip.to_string())),
        Some(url::Host::Ipv6(ip)) if !is_public_v6(ip) => Err(refused_address(&ip.to_string())),
        Some(url::Host::Domain(name)) if is_local_name(name) => Err(refused_address(name)),
        _ => Ok(url),
    }
}

/// The refusal of a non-public address, the same at creation and at delivery.
pub(crate) fn refused_address(host: &str) -> String {
    format!("must point at a public address; {host} is loopback, private, link-local or reserved")
}

fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    LOCAL_NAMES.contains(&name.as_str()) || name.ends_with(".localhost") || name.ends_with(".internal")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00:ec2::254",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "ff02::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} allowed");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in ["93.184.216.34", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(ip.parse().unwrap()), "{ip} refused");
        }
    }

    #[test]
    fn urls_are_checked_by_scheme_host_and_credentials() {
        assert!(check_url("https://hooks.example.com/newsdesk", false).is_ok());
        for bad in [
            "ftp://example.com/",
            "/relative",
            "http://127.0.0.1:9000/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/",
            "http://localhost:8080/",
            "http://api.localhost/",
            "http://metadata.google.internal/",
            "http://2130706433/",
            "http://0x7f000001/",
            "https://user:pw@example.com/",
        ] {
            assert!(check_url(bad, false).is_err(), "{bad} accepted");
        }
        assert!(check_url("http://127.0.0.1:9000/hook", true).is_ok());
        assert!(check_url("ftp://127.0.0.1/", true).is_err());
    }
}
