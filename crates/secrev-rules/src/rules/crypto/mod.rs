//! Crypto: weak algorithms, predictable randomness, and TLS or token checks turned off.

mod ecb_mode;
mod insecure_random_secret;
mod jwt_verify_disabled;
mod tls_verify_disabled;
mod unverified_tls_context;
mod util;
mod weak_cipher;
mod weak_hash;
mod weak_key_size;
mod weak_tls_protocol;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &weak_hash::RULE,
    &weak_cipher::RULE,
    &ecb_mode::RULE,
    &weak_key_size::RULE,
    &insecure_random_secret::RULE,
    &tls_verify_disabled::RULE,
    &unverified_tls_context::RULE,
    &weak_tls_protocol::RULE,
    &jwt_verify_disabled::RULE,
];
