//! Injection and platform APIs (C5xx): shells, SQL, temporary files, permissions, randomness,
//! hashes, TLS verification and credentials in C and C++ (POSIX, OpenSSL, libcurl, Qt).

mod insecure_temp_file;
mod shell_command;
mod sql_built_query;
mod tls_verification_disabled;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &shell_command::RULE,
    &sql_built_query::RULE,
    &insecure_temp_file::RULE,
    &tls_verification_disabled::RULE,
];
