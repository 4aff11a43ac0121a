//! Declaration macros, blanked before parsing. The grammar cannot expand macros, and Qt's
//! `QT_BEGIN_NAMESPACE`, `Q_CORE_EXPORT`, `Q_OBJECT` or `public slots:`, or a C library's
//! `CURL_EXTERN`/`HB_INTERNAL` in front of a declaration, make the code around them
//! unreadable. Replacing them with spaces keeps every byte offset (spans still point into the
//! real source) and lets the grammar read the code they decorate.

/// Macros that expand to nothing the analysis needs, without arguments.
const PLAIN: &[&str] = &[
    "QT_BEGIN_NAMESPACE",
    "QT_END_NAMESPACE",
    "QT_BEGIN_HEADER",
    "QT_END_HEADER",
    "QT_BEGIN_MOC_NAMESPACE",
    "QT_END_MOC_NAMESPACE",
    "Q_OBJECT",
    "Q_GADGET",
    "Q_INVOKABLE",
    "Q_SLOTS",
    "Q_SIGNAL",
    "Q_SLOT",
    "Q_REQUIRED_RESULT",
    "Q_ALWAYS_INLINE",
    "Q_NEVER_INLINE",
    "Q_OUTOFLINE_TEMPLATE",
    "Q_INLINE_TEMPLATE",
    "Q_NORETURN",
    "Q_CONSTEXPR",
    "QT_FASTCALL",
    "QT_ASCII_CAST_WARN",
    "QT_USE_NAMESPACE",
    "QT_BEGIN_INCLUDE_NAMESPACE",
    "QT_END_INCLUDE_NAMESPACE",
    "QT_WARNING_PUSH",
    "QT_WARNING_POP",
];

/// Macros with arguments that declare things the analysis does not need.
const WITH_ARGUMENTS: &[&str] = &[
    "Q_DECLARE_LOGGING_CATEGORY",
    "Q_LOGGING_CATEGORY",
    "Q_DISABLE_COPY",
    "Q_DISABLE_COPY_MOVE",
    "Q_DISABLE_MOVE",
    "Q_DECLARE_PRIVATE",
    "Q_DECLARE_PRIVATE_D",
    "Q_DECLARE_PUBLIC",
    "Q_PROPERTY",
    "Q_ENUM",
    "Q_ENUMS",
    "Q_ENUM_NS",
    "Q_FLAG",
    "Q_FLAGS",
    "Q_FLAG_NS",
    "Q_NAMESPACE",
    "Q_DECLARE_METATYPE",
    "Q_DECLARE_FLAGS",
    "Q_DECLARE_OPERATORS_FOR_FLAGS",
    "Q_DECLARE_TYPEINFO",
    "Q_DECLARE_SHARED",
    "Q_DECLARE_INTERFACE",
    "Q_INTERFACES",
    "Q_CLASSINFO",
    "Q_PLUGIN_METADATA",
    "Q_PRIVATE_SLOT",
    "Q_PRIVATE_PROPERTY",
    "Q_DECL_DEPRECATED_X",
    "QT_DEPRECATED_X",
    "QT_DEPRECATED_VERSION_X",
    "Q_GLOBAL_STATIC",
    "Q_GLOBAL_STATIC_WITH_ARGS",
    "Q_DECLARE_SHARED_NOT_MOVABLE_UNTIL_QT6",
    "Q_DECLARE_TR_FUNCTIONS",
    "Q_REVISION",
    "QDOC_PROPERTY",
    "Q_STATIC_ASSERT",
    "Q_STATIC_ASSERT_X",
    "QT_FORWARD_DECLARE_CLASS",
    "QT_FORWARD_DECLARE_STRUCT",
    "Q_IMPORT_PLUGIN",
    // `Q_UNUSED(x)` is often written without its `;`; it only reads `x`.
    "Q_UNUSED",
    // Qt Test: a `main` built around a class, and data fetched into declared locals.
    "QTEST_MAIN",
    "QTEST_APPLESS_MAIN",
    "QTEST_GUILESS_MAIN",
    "QFETCH",
    "QFETCH_GLOBAL",
];

/// Calling conventions and linkage words written between a declaration's type and its name.
const CALLING_CONVENTIONS: &[&str] = &[
    "WINAPI",
    "APIENTRY",
    "CALLBACK",
    "STDMETHODCALLTYPE",
    "WSAAPI",
    "NTAPI",
];

/// Endings of the names C libraries give their export and visibility macros
/// (`CURL_EXTERN`, `HB_INTERNAL`, `SLJIT_API_FUNC_ATTRIBUTE`).
const ATTRIBUTE_SUFFIXES: &[&str] = &["_EXTERN", "_EXPORT", "_API", "_INTERNAL", "_ATTRIBUTE"];

/// Macros used as expressions whose argument is not an expression (`SIGNAL(clicked(bool))`,
/// `Q_ARG(QString, name)`, `Q_D(const Foo)`): read as a string literal of the same length.
const AS_LITERAL: &[&str] = &["SIGNAL", "SLOT", "Q_ARG", "Q_RETURN_ARG", "Q_D", "Q_Q"];

/// Whether `name`, followed by `next`, is a library's attribute macro in front of a declaration:
/// upper case, named like one, and followed by another word (`CURL_EXTERN CURL *f(void);`), not
/// by `(` (a macro that takes the type as its argument) or an operator.
fn attribute_macro(name: &str, next: Option<u8>) -> bool {
    let upper = name
        .bytes()
        .all(|b| b == b'_' || b.is_ascii_uppercase() || b.is_ascii_digit());
    let decorates = next.is_some_and(|b| b == b'_' || b.is_ascii_alphabetic());
    upper
        && decorates
        && (CALLING_CONVENTIONS.contains(&name)
            || ATTRIBUTE_SUFFIXES
                .iter()
                .any(|s| name.len() > s.len() && name.ends_with(s)))
}

/// Whether `name` is one of the blanked Qt macros, and whether it takes arguments.
fn blanked(name: &str) -> Option<bool> {
    if PLAIN.contains(&name)
        || (name.starts_with("Q_") && name.ends_with("_EXPORT"))
        || name.starts_with("Q_DECL_")
        || name.starts_with("QT_WARNING_DISABLE_")
        || name.starts_with("QT_DEPRECATED")
    {
        return Some(false);
    }
    WITH_ARGUMENTS.contains(&name).then_some(true)
}

/// The source with declaration macros replaced by spaces, or `None` when it has none.
pub(crate) fn blank_macros(source: &str) -> Option<String> {
    let bytes = source.as_bytes();
    let mut out = bytes.to_vec();
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' | b'\'' => i = skip_quoted(bytes, i),
            b'#' => {
                // Preprocessor lines are the grammar's own (`#define Q_FOO ...` must stay).
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            c if c == b'_' || c.is_ascii_alphabetic() => {
                let start = i;
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                let name = &source[start..i];
                if AS_LITERAL.contains(&name) && bytes.get(i) == Some(&b'(') {
                    let end = matching_paren(bytes, i);
                    if end > start + 1 && bytes[start..end].iter().all(|b| *b != b'\n') {
                        out[start..end].fill(b' ');
                        out[start] = b'"';
                        out[end - 1] = b'"';
                        changed = true;
                    }
                    i = end;
                    continue;
                }
                let takes_args = match blanked(name) {
                    // A blanked macro written with arguments (`Q_DECL_ALIGN(8)`) loses them too.
                    Some(takes_args) => takes_args || bytes.get(i) == Some(&b'('),
                    None if matches!(name, "slots" | "signals" | "Q_SIGNALS")
                        && next_is_colon(bytes, i) =>
                    {
                        false
                    }
                    None if attribute_macro(name, next_word(bytes, i)) => false,
                    None => continue,
                };
                let mut end = i;
                if takes_args {
                    let mut j = i;
                    while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                        j += 1;
                    }
                    if bytes.get(j) == Some(&b'(') {
                        end = matching_paren(bytes, j);
                    }
                }
                for byte in &mut out[start..end] {
                    if *byte != b'\n' {
                        *byte = b' ';
                    }
                }
                // `signals:` alone is an access specifier (Qt defines it as `public`).
                if matches!(name, "signals" | "Q_SIGNALS") {
                    out[start..start + 6].copy_from_slice(b"public");
                }
                changed = true;
                i = end;
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes and whole characters inside argument lists were replaced.
    changed.then(|| String::from_utf8(out).ok()).flatten()
}

/// The first byte after the spaces and tabs at `i`.
fn next_word(bytes: &[u8], mut i: usize) -> Option<u8> {
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    bytes.get(i).copied()
}

fn next_is_colon(bytes: &[u8], mut i: usize) -> bool {
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    bytes.get(i) == Some(&b':') && bytes.get(i + 1) != Some(&b':')
}

fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(bytes.len())
}

/// The index just past the `)` matching the `(` at `open` (or the end of the line when
/// unbalanced within 4 KiB).
fn matching_paren(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    let limit = (open + 4096).min(bytes.len());
    while i < limit {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' | b'\'' => {
                i = skip_quoted(bytes, i);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let line_end = bytes[open..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| open + p);
    line_end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_qt_macros_and_keeps_offsets() {
        let source = "QT_BEGIN_NAMESPACE\nclass Q_CORE_EXPORT Foo : public QObject {\n    Q_OBJECT\n    Q_PROPERTY(int x READ x)\nsignals:\npublic slots:\n    void run(); // Q_OBJECT\n    const char *s = \"Q_OBJECT\";\n};\n#define Q_FOO 1\n";
        let blanked = blank_macros(source).expect("changed");
        assert_eq!(blanked.len(), source.len());
        assert!(!blanked.contains("QT_BEGIN_NAMESPACE"));
        assert!(!blanked.contains("Q_CORE_EXPORT"));
        assert!(!blanked.contains("Q_PROPERTY"));
        assert!(blanked.contains("public      :"));
        assert!(blanked.contains("\npublic :\n"));
        assert!(blanked.contains("// Q_OBJECT"));
        assert!(blanked.contains("\"Q_OBJECT\""));
        assert!(blanked.contains("#define Q_FOO 1"));
        let connect = "connect(a, SIGNAL(toggled(bool)), b, SLOT(show()));";
        let read = blank_macros(connect).expect("changed");
        assert_eq!(read.len(), connect.len());
        assert!(read.starts_with("connect(a, \"") && read.ends_with("\");"));
        assert!(!read.contains("SIGNAL") && !read.contains("bool"));
        assert_eq!(blank_macros("int main() { return 0; }"), None);
    }

    #[test]
    fn blanks_library_attribute_macros_before_declarations() {
        let source = "CURL_EXTERN CURL *curl_easy_init(void);\nHB_INTERNAL void reset (void);\nextern \"C\" BOOL WINAPI DllMain(HINSTANCE h);\nFT_LOCAL( void ) f(void);\nint n = MY_API;\nMY_EXPORT(int) g(void);\n";
        let blanked = blank_macros(source).expect("changed");
        assert_eq!(blanked.len(), source.len());
        assert!(blanked.contains("            CURL *curl_easy_init"));
        assert!(blanked.contains("            void reset"));
        assert!(blanked.contains("BOOL        DllMain"));
        assert!(blanked.contains("FT_LOCAL( void )"));
        assert!(blanked.contains("int n = MY_API;"));
        assert!(blanked.contains("MY_EXPORT(int)"));
        let qtest =
            "void T::f()\n{\n    QFETCH(QString, input);\n    Q_UNUSED(input)\n}\nQTEST_MAIN(T)\n";
        let blanked = blank_macros(qtest).expect("changed");
        assert!(!blanked.contains("QFETCH") && !blanked.contains("Q_UNUSED"));
        assert!(!blanked.contains("QTEST_MAIN"));
    }
}
