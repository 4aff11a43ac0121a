//! Resource rules: what a function acquires (files, sockets, processes, descriptors, temporary
//! directories) and must give back on every way out.

mod resource_not_released;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[&resource_not_released::RULE];
