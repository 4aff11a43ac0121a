//! Network rules.

mod bind_all_interfaces;
mod cleartext_protocol;
mod request_timeout;
mod ssh_host_key;
mod urlopen_timeout;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &bind_all_interfaces::RULE,
    &request_timeout::RULE,
    &urlopen_timeout::RULE,
    &cleartext_protocol::RULE,
    &ssh_host_key::RULE,
];
