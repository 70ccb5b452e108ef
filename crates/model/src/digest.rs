//! A short identifier of a text: the first bytes of its SHA-256, in hex. An identifier, not a
//! secret: what a name or a tag must hold apart in a few characters.

use sha2::{Digest, Sha256};

/// The first `bytes` bytes of `text`'s SHA-256, as `2 × bytes` lowercase hex digits.
pub fn short_digest(text: &str, bytes: usize) -> String {
    let hash = Sha256::digest(text.as_bytes());
    hash.iter()
        .take(bytes)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_digest_is_the_sha256s_first_bytes() {
        // SHA-256("abc") = ba7816bf 8f01cfea … (FIPS 180-2, appendix B.1).
        assert_eq!(super::short_digest("abc", 4), "ba7816bf");
        assert_eq!(super::short_digest("abc", 8), "ba7816bf8f01cfea");
    }
}
