//! The identity provider's public keys: from a JWKS file or URL, by key id, each with the validation
//! it is used with. An unknown key id may mean the provider has rotated its keys: the key set is then
//! read again (fetched, or the file re-read), at most once per `min_refresh`, so that rotation needs
//! no restart and random key ids cannot make the service hammer the provider.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use super::AuthSetupError;

/// Where the key set comes from.
#[derive(Clone, Debug)]
pub enum JwksSource {
    File(PathBuf),
    Url(String),
}

impl std::fmt::Display for JwksSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwksSource::File(path) => write!(f, "{}", path.display()),
            JwksSource::Url(url) => f.write_str(url),
        }
    }
}

/// A key and the validation to use it with.
pub struct VerificationKey {
    pub key: DecodingKey,
    pub validation: Validation,
}

pub struct Jwks {
    source: JwksSource,
    /// Issuer, audience and required claims; each key's copy gets its own algorithms.
    template: Validation,
    algorithms: Vec<Algorithm>,
    keys: RwLock<HashMap<String, std::sync::Arc<VerificationKey>>>,
    last_refresh: Mutex<Option<Instant>>,
    min_refresh: Duration,
}

impl Jwks {
    /// Loads the key set; an unreadable or unusable one is a configuration error.
    pub fn load(
        source: JwksSource,
        template: Validation,
        algorithms: Vec<Algorithm>,
        min_refresh: Duration,
    ) -> Result<Self, AuthSetupError> {
        let jwks = Jwks {
            source,
            template,
            algorithms,
            keys: RwLock::new(HashMap::new()),
            last_refresh: Mutex::new(None),
            min_refresh,
        };
        let keys = jwks.fetch().map_err(|e| AuthSetupError::Jwks(jwks.source.to_string(), e))?;
        if keys.is_empty() {
            return Err(AuthSetupError::Jwks(jwks.source.to_string(), "no key fits the configured algorithms".into()));
        }
        *jwks.keys.write().expect("key lock") = keys;
        Ok(jwks)
    }

    pub fn get(&self, kid: &str) -> Option<std::sync::Arc<VerificationKey>> {
        self.keys.read().expect("key lock").get(kid).cloned()
    }

    /// Fetches the key set again if the last refresh is long enough ago; returns whether it did.
    /// Blocking: call it off the async workers.
    pub fn refresh(&self) -> bool {
        {
            let mut last = self.last_refresh.lock().expect("refresh lock");
            if last.is_some_and(|at| at.elapsed() < self.min_refresh) {
                return false;
            }
            *last = Some(Instant::now());
        }
        match self.fetch() {
            Ok(keys) if !keys.is_empty() => {
                log::info!("refreshed the identity provider's keys from {}: {} keys", self.source, keys.len());
                *self.keys.write().expect("key lock") = keys;
                true
            }
            Ok(_) => {
                log::warn!("the key set at {} has no usable key; keeping the old one", self.source);
                false
            }
            Err(e) => {
                log::warn!("cannot refresh the identity provider's keys from {}: {e}", self.source);
                false
            }
        }
    }

    fn fetch(&self) -> Result<HashMap<String, std::sync::Arc<VerificationKey>>, String> {
        let text = match &self.source {
            JwksSource::File(path) => std::fs::read_to_string(path).map_err(|e| e.to_string())?,
            JwksSource::Url(url) => {
                let agent = ureq::Agent::new_with_config(crate::outbound::config(
                    Duration::from_secs(10),
                    crate::outbound::Purpose::IdentityProvider,
                ));
                let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
                response.body_mut().with_config().limit(1024 * 1024).read_to_string().map_err(|e| e.to_string())?
            }
        };
        let set: JwkSet = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let (Some(kid), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk)) else {
                log::warn!("skipping a JWKS key without a usable id or type");
                continue;
            };
            // A key is used with the configured algorithms of its own family (jsonwebtoken refuses a
            // validation that mixes families), and only with the one it names if its JWK names one.
            let pinned = jwk.common.key_algorithm.and_then(|alg| alg.to_string().parse::<Algorithm>().ok());
            let usable: Vec<Algorithm> = self
                .algorithms
                .iter()
                .copied()
                .filter(|alg| alg.family() == key.family() && pinned.is_none_or(|pinned| pinned == *alg))
                .collect();
            if usable.is_empty() {
                log::warn!(
                    "JWKS key {kid:?} fits none of the configured algorithms {:?}; it is not used",
                    self.algorithms
                );
                continue;
            }
            let mut validation = self.template.clone();
            validation.algorithms = usable;
            keys.insert(kid, std::sync::Arc::new(VerificationKey { key, validation }));
        }
        Ok(keys)
    }
}
