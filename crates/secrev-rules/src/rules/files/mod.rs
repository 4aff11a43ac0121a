//! Files rules: temporary files, permissions, archives, and XML parsing.

mod common;
mod hardcoded_temp_path;
mod insecure_mktemp;
mod lxml_entity_resolution;
mod permissive_file_mode;
mod tar_extract_unfiltered;
mod xml_stdlib_parser;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &insecure_mktemp::RULE,
    &permissive_file_mode::RULE,
    &tar_extract_unfiltered::RULE,
    &hardcoded_temp_path::RULE,
    &xml_stdlib_parser::RULE,
    &lxml_entity_resolution::RULE,
];
