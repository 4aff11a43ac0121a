use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How much harm a finding can do if it is real. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// How likely a finding is to be a real defect. Ordered from least to most certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// The review taxonomy: what kind of defect a human security reviewer would call this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    RaceCondition,
    CrashDos,
    ResourceLeak,
    Injection,
    ImproperAccess,
    Crypto,
    InfoLeak,
    InputValidation,
    Deserialization,
    PathTraversal,
    InsecureConfig,
    MemorySafety,
    Other,
}

macro_rules! keyword_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The lowercase keyword used in configuration, flags and reports.
            pub const fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.to_ascii_lowercase().as_str() {
                    $($text => Ok($ty::$variant),)+
                    _ => Err(format!(
                        "unknown {} `{s}` (expected one of: {})",
                        stringify!($ty).to_ascii_lowercase(),
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

keyword_enum!(Severity { Info => "info", Low => "low", Medium => "medium", High => "high", Critical => "critical" });
keyword_enum!(Confidence { Low => "low", Medium => "medium", High => "high" });
keyword_enum!(Category {
    RaceCondition => "race_condition",
    CrashDos => "crash_dos",
    ResourceLeak => "resource_leak",
    Injection => "injection",
    ImproperAccess => "improper_access",
    Crypto => "crypto",
    InfoLeak => "info_leak",
    InputValidation => "input_validation",
    Deserialization => "deserialization",
    PathTraversal => "path_traversal",
    InsecureConfig => "insecure_config",
    MemorySafety => "memory_safety",
    Other => "other",
});

impl Severity {
    /// The CVSS-like score GitHub code scanning reads from SARIF's `security-severity`.
    pub const fn score(self) -> f32 {
        match self {
            Severity::Info => 1.0,
            Severity::Low => 3.0,
            Severity::Medium => 5.5,
            Severity::High => 8.0,
            Severity::Critical => 9.5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip() {
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>(), Ok(*s));
        }
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(*c));
        }
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn severities_are_ordered() {
        assert!(Severity::Low < Severity::Medium && Severity::High < Severity::Critical);
        assert!(Confidence::Low < Confidence::High);
    }
}
