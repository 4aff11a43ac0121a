//! C and C++ rules: memory safety (`memory/`, C1xx), lifetimes (`lifetimes/`, C2xx), integers
//! (`integers/`, C3xx), races and locks (`races/`, C4xx), injection and platform APIs (`platform/`,
//! C5xx) and taint from sources to sinks (`taint/`, C6xx). They run on C and C++ units only.

mod common;
mod integers;
mod lifetimes;
mod memory;
mod platform;
mod races;
pub(crate) mod taint;

use crate::Rule;

/// The C and C++ groups' rule lists.
pub(crate) const GROUPS: &[&[&Rule]] = &[
    memory::RULES,
    lifetimes::RULES,
    integers::RULES,
    races::RULES,
    platform::RULES,
    taint::RULES,
];
