//! Injection and platform APIs (C5xx): shells, SQL, temporary files, permissions, randomness,
//! hashes, TLS verification and credentials in C and C++ (POSIX, OpenSSL, libcurl, Qt).

mod hardcoded_credential;
mod insecure_random;
mod insecure_temp_file;
mod shell_command;
mod sql_built_query;
mod tls_verification_disabled;
mod weak_hash;
mod world_writable;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &shell_command::RULE,
    &sql_built_query::RULE,
    &insecure_temp_file::RULE,
    &world_writable::RULE,
    &insecure_random::RULE,
    &weak_hash::RULE,
    &tls_verification_disabled::RULE,
    &hardcoded_credential::RULE,
];
