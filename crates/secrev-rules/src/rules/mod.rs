//! Rule groups. Each group's `mod.rs` lists its rules; [`GROUPS`] lists the Python groups and
//! [`C_GROUPS`] the C and C++ groups (under `c/`).

pub(crate) mod authz;
pub(crate) mod c;
mod crypto;
mod deserialization;
mod dos;
mod errors;
mod files;
mod injection;
mod network;
mod privilege;
mod races;
mod resources;
mod secrets;
mod taint;
mod web;

use crate::Rule;

/// Every Python group's rule list.
pub(crate) const GROUPS: &[&[&Rule]] = &[
    injection::RULES,
    deserialization::RULES,
    crypto::RULES,
    secrets::RULES,
    files::RULES,
    errors::RULES,
    web::RULES,
    network::RULES,
    races::RULES,
    resources::RULES,
    privilege::RULES,
    dos::RULES,
    taint::RULES,
    authz::RULES,
];

/// Every C and C++ group's rule list: these rules read C and C++ units only.
pub(crate) const C_GROUPS: &[&[&Rule]] = c::GROUPS;
