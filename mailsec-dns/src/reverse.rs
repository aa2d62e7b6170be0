//! Reverse-lookup names (RFC 1035 §3.5 `in-addr.arpa`, RFC 3596 §2.5 `ip6.arpa`).

use alloc::string::String;
use core::fmt::Write as _;
use core::net::IpAddr;

use crate::name::Name;

/// The PTR owner name of an address: `4.3.2.1.in-addr.arpa` for `1.2.3.4`,
/// 32 nibbles then `ip6.arpa` for IPv6.
pub fn reverse_name(ip: IpAddr) -> Name {
    let mut s = String::with_capacity(73);
    match ip {
        IpAddr::V4(v4) => {
            for octet in v4.octets().iter().rev() {
                let _ = write!(s, "{octet}.");
            }
            s.push_str("in-addr.arpa");
        }
        IpAddr::V6(v6) => {
            for octet in v6.octets().iter().rev() {
                let _ = write!(s, "{:x}.{:x}.", octet & 0x0f, octet >> 4);
            }
            s.push_str("ip6.arpa");
        }
    }
    // Always a valid name: digits, hex letters and dots within the limits.
    Name::new(&s).unwrap_or_else(|_| Name::root())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_and_ipv6() {
        assert_eq!(
            reverse_name("192.0.2.10".parse().unwrap()).as_str(),
            "10.2.0.192.in-addr.arpa"
        );
        assert_eq!(
            reverse_name("2001:db8::1".parse().unwrap()).as_str(),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
    }
}
