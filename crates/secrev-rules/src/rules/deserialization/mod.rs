//! Deserialization: untrusted bytes turned into live objects.

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[];
