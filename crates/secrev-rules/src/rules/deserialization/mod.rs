//! Deserialization: untrusted bytes turned into live objects.

mod common;
mod jsonpickle_decode;
mod marshal_load;
mod pickle_load;
mod shelve_open;
mod torch_load;
mod yaml_load;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &pickle_load::RULE,
    &marshal_load::RULE,
    &shelve_open::RULE,
    &yaml_load::RULE,
    &jsonpickle_decode::RULE,
    &torch_load::RULE,
];
