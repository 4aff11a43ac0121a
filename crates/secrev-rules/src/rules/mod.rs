//! Rule groups. Each group's `mod.rs` lists its rules; [`GROUPS`] lists the groups.

pub(crate) mod authz;
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

/// Every group's rule list.
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
