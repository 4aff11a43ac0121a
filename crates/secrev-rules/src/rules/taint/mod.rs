//! Taint rules: untrusted data reaching a dangerous operation, found by the taint engine
//! (`secrev-taint`) from sources to sinks across functions and files. Each rule reports one sink
//! kind of the taint models.

mod code_injection;
mod command_injection;
mod deserialization;
mod header_injection;
mod ldap_injection;
mod log_injection;
mod open_redirect;
mod path_injection;
mod secret_in_error;
mod secret_logged;
mod sql_injection;
mod ssrf;
mod template_injection;
mod trust_boundary;
mod xpath_injection;
mod xss;
mod xxe;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &command_injection::RULE,
    &code_injection::RULE,
    &sql_injection::RULE,
    &path_injection::RULE,
    &ldap_injection::RULE,
    &xpath_injection::RULE,
    &xss::RULE,
    &template_injection::RULE,
    &open_redirect::RULE,
    &trust_boundary::RULE,
    &deserialization::RULE,
    &xxe::RULE,
    &ssrf::RULE,
    &header_injection::RULE,
    &log_injection::RULE,
    &secret_logged::RULE,
    &secret_in_error::RULE,
];
