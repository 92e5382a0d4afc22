//! Service clients' identifiers and secrets. A secret is shown once, when it is made; only its
//! argon2id hash is stored.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the system's random source works");
    bytes
}

/// A new client id, e.g. `dgs_3f9a…`: public, but unguessable.
pub fn new_client_id() -> String {
    let hex: String = random::<12>().iter().map(|b| format!("{b:02x}")).collect();
    format!("dgs_{hex}")
}

/// A new secret (256 bits). The prefix lets secret scanners recognise a leaked one.
pub fn new_secret() -> String {
    format!("dgss_{}", URL_SAFE_NO_PAD.encode(random::<32>()))
}

pub fn hash(secret: &str) -> Result<String, String> {
    Argon2::default().hash_password(secret.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `secret` matches the stored hash.
pub fn verify(secret: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| Argon2::default().verify_password(secret.as_bytes(), &parsed).is_ok())
}

/// Spends the time a verification takes, for unknown client ids, so that response times do not tell
/// which client ids exist.
pub fn verify_nothing(secret: &str) {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash("not a secret of any client").unwrap_or_default());
    let _ = verify(secret, &DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_verify_against_their_hash_only() {
        let secret = new_secret();
        let stored = hash(&secret).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(!stored.contains(&secret));
        assert!(verify(&secret, &stored));
        assert!(!verify(&new_secret(), &stored));
        assert!(!verify(&secret, "not a hash"));
        assert_ne!(new_client_id(), new_client_id());
        assert!(new_client_id().starts_with("dgs_"));
    }
}
