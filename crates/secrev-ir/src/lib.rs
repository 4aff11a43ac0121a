//! The language-neutral representation that front-ends lower source into and rules read.
//!
//! A [`Unit`] is one source file: a list of [`Function`]s (the module or translation-unit body is
//! one of them), each holding the [`Op`]s that happen in it, in source order. Calls carry the
//! callee's *qualified name* after import and alias resolution (`subprocess.call` whatever it was
//! imported as), their arguments split into positional and keyword, and every argument is a
//! [`Value`] in which literals, constant folding and string building are explicit.
//!
//! Python and C/C++ lower into the same shapes (a call to `strcpy` is a [`Call`] with qualified
//! name `strcpy`, `std::system` is `std::system`, a string literal is [`ValueKind::Str`]); C adds
//! declared variables ([`Local`]) and a few operators (`addr`, `deref`, `sizeof`, `new`). Beside its ops, each function has a control-flow graph ([`Cfg`]) of the
//! same values, in execution order, for the dataflow analyses.

mod builder;
mod cfg;
pub mod printf;
mod value;

pub use builder::{CfgBuilder, LoopTargets};
pub use cfg::{any_in, Block, BlockId, Cfg, Edge, EdgeKind, Place, Stmt, ENTRY, EXIT};

pub use value::{BuildKind, Part, Value, ValueKind};

pub use compact_str::CompactString;
use secrev_core::ByteSpan;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The source language a unit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    C,
    Cpp,
}

/// One lowered source file.
#[derive(Debug, Clone)]
pub struct Unit {
    pub language: Language,
    /// The module body first, then every function, method and class body in source order.
    pub functions: Vec<Function>,
    /// Every import in the file, in any scope, in source order.
    pub imports: Vec<Import>,
    /// C and C++: the struct, class and union types the file declares, by name and by typedef
    /// alias (`typedef struct {...} job_t;`), each with its data members as [`Local`]s (type,
    /// pointers, array length); empty for Python.
    pub records: BTreeMap<String, Vec<Local>>,
}

/// One imported name.
#[derive(Debug, Clone)]
pub struct Import {
    /// The qualified name imported (`os.path`, `flask.Flask`, `.models.Order`; `module.*` for a
    /// star import). Relative imports keep their leading dots.
    pub qualname: String,
    pub span: ByteSpan,
}

impl Unit {
    /// The data member `field` of the record type `ty`.
    pub fn field(&self, ty: &str, field: &str) -> Option<&Local> {
        self.records.get(ty)?.iter().find(|l| l.name == field)
    }

    /// Whether the file imports `module` or anything inside it.
    pub fn imports_module(&self, module: &str) -> bool {
        self.imports.iter().any(|i| {
            i.qualname == module
                || i.qualname
                    .strip_prefix(module)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }
}

/// What kind of code body a [`Function`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    /// Top-level code of a file.
    Module,
    /// The body of a class (Python), run once when the class is defined.
    ClassBody,
    Function,
    Method,
    Lambda,
}

/// A body of code with its own scope.
#[derive(Debug, Clone)]
pub struct Function {
    pub kind: FunctionKind,
    /// The plain name (`<module>` for the module body).
    pub name: String,
    /// The dotted path inside the file (`Controller.show`, `outer.<locals>.inner`).
    pub qualname: String,
    /// The span of the whole definition.
    pub span: ByteSpan,
    /// The span of the name in the definition (the header line for module bodies).
    pub name_span: ByteSpan,
    pub params: Vec<Param>,
    /// Decorators / attributes, lowered as values (a decorator call is a [`ValueKind::Call`]).
    pub decorators: Vec<Value>,
    pub ops: Vec<Op>,
    /// The body as a control-flow graph.
    pub cfg: Cfg,
    /// The `with` blocks of the body, in source order.
    pub managed: Vec<Managed>,
    /// For a class body, its base classes as written (`threading.Thread`); empty otherwise.
    pub bases: Vec<Value>,
    /// Names the body declares as living in another scope (`global x`, `nonlocal x`), sorted.
    pub outer_names: Vec<String>,
    /// Variables declared with a type (C and C++: parameters, locals, and file-scope variables
    /// in the module body), in declaration order; empty for Python.
    pub locals: Vec<Local>,
}

/// A variable declared with a type: what memory-safety analyses need to know about a name
/// without re-reading the declaration.
#[derive(Debug, Clone)]
pub struct Local {
    pub name: CompactString,
    /// The declared type without qualifiers, storage class, pointers or array bounds, as written
    /// (`char`, `QString`, `std::unique_ptr<QProcess>`; `auto` is replaced by the type of a
    /// `new T` or `T(...)` initialiser when one is visible).
    pub ty: String,
    /// Levels of pointer indirection (`char **argv` is 2); references count as none.
    pub pointers: u8,
    /// For an array, its declared length: a constant (`char buf[64]`, `char buf[BUFSIZE]` with
    /// the macro defined in the file), another value, or [`ValueKind::Unknown`] for `char buf[]`
    /// (then, for a string initialiser, the length is the string's plus one).
    pub array_len: Option<Value>,
    /// A function parameter.
    pub param: bool,
    /// Declared `static` (kept between calls, shared between threads), declared `extern`, or at
    /// file scope.
    pub is_static: bool,
    /// Declared `const` (the variable itself, or what it points to).
    pub is_const: bool,
    /// Declared as a reference (`T &x`, `auto &&x`): it names another object, whose address
    /// `&x` is.
    pub reference: bool,
    pub span: ByteSpan,
    /// Where the name is visible: the block, `for` statement or condition the declaration sits
    /// in (the parameter list for parameters), so a later use of the same name outside it is
    /// known to mean something else.
    pub scope: ByteSpan,
}

impl Function {
    /// The declared variable `name`, the innermost (latest) declaration when it is shadowed.
    pub fn local(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|l| l.name == name)
    }
}

/// A `with` block: a context manager it enters and the body that runs inside it (a lock held,
/// a file kept open).
#[derive(Debug, Clone)]
pub struct Managed {
    pub manager: Arc<Value>,
    /// From the first to the last statement of the body.
    pub body: ByteSpan,
}

/// A declared parameter.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub default: Option<Value>,
    pub span: ByteSpan,
}

/// Something that happens in a function body that rules care about.
#[derive(Debug, Clone)]
pub enum Op {
    /// A call, wherever it appears (statement, argument, condition, default value...).
    Call(Arc<Call>),
    /// A binding of a value to one or more targets.
    Assign(Assign),
    /// An exception handler (`except` clause, `catch` block).
    Handler(Handler),
    /// An assertion statement.
    Assert(Assert),
    /// A comparison, wherever it appears.
    Compare(Value),
}

/// A call site.
#[derive(Debug, Clone)]
pub struct Call {
    pub callee: Callee,
    pub args: Vec<Value>,
    pub keywords: Vec<Keyword>,
    /// `*args` was passed: positional arguments are not all known.
    pub star_args: bool,
    /// `**kwargs` was passed: keyword arguments are not all known.
    pub star_kwargs: bool,
    /// The values unpacked into the call (`args` in `f(*args)`, `body` in `dict(a, **body)`):
    /// not arguments at known positions, so [`any_in`] does not visit them, but what flows
    /// into the call all the same.
    pub unpacked: Vec<Value>,
    pub span: ByteSpan,
}

/// What is being called.
#[derive(Debug, Clone)]
pub struct Callee {
    /// The callee as written (`sp.call`, `cursor.execute`, `self.client.get`).
    pub text: CompactString,
    /// The resolved qualified name (`subprocess.call`); for a method on an instance whose
    /// constructor is known, the constructor's name with `()` (`paramiko.SSHClient().connect`).
    pub qualname: Option<String>,
    /// For attribute calls, the attribute (`execute` in `cursor.execute`).
    pub method: Option<CompactString>,
    /// For attribute calls, the object the method is called on.
    pub receiver: Option<Box<Value>>,
    pub span: ByteSpan,
}

/// A keyword argument.
#[derive(Debug, Clone)]
pub struct Keyword {
    pub name: CompactString,
    pub value: Value,
    pub span: ByteSpan,
}

/// An assignment (`=`, annotated, augmented, walrus).
#[derive(Debug, Clone)]
pub struct Assign {
    pub targets: Vec<Target>,
    /// Shared with the front-end's record of what the target holds.
    pub value: Arc<Value>,
    /// `+=` and friends: the target is read as well as written.
    pub augmented: bool,
    pub span: ByteSpan,
}

/// Where a value is stored.
#[derive(Debug, Clone)]
pub struct Target {
    /// The target as a path: `password`, `self.password`, `app.config['DEBUG']`.
    pub path: String,
    /// The last name in the path (`password`, `DEBUG`), or empty when there is none.
    pub name: String,
    /// The resolved qualified name of the object the last name belongs to (`ssl.SSLContext()`
    /// for `ctx.check_hostname` when `ctx = ssl.create_default_context()`... when known).
    pub owner: Option<String>,
    /// For a store through an index or pointer (C and C++: `buf[i] = v`, `*p = v`), the
    /// element written, as the `[]` or `deref` operation; `None` elsewhere.
    pub element: Option<Box<Value>>,
    pub span: ByteSpan,
}

/// An exception handler.
#[derive(Debug, Clone)]
pub struct Handler {
    /// The exception types caught; empty for a catch-all (`except:`, `catch (...)`).
    pub caught: Vec<Value>,
    /// What the handler body does.
    pub body: HandlerBody,
    /// The span of the handler's header (`except Exception as e:`).
    pub span: ByteSpan,
    /// Where the handler sits in the function's graph.
    pub flow: HandlerFlow,
}

/// Where a handler sits in its function's control-flow graph: what it guards, which blocks are
/// its body, and where control goes when the body ends normally.
#[derive(Debug, Clone, Copy, Default)]
pub struct HandlerFlow {
    /// From the first to the last statement of the `try` body the handler guards.
    pub guarded: ByteSpan,
    /// The handler body's blocks are `start..end` (block ids are allocated in source order).
    pub start: BlockId,
    pub end: BlockId,
    /// The block the handler falls through to (the `finally` body, or what follows the `try`).
    pub after: BlockId,
}

/// A summary of a handler body, enough to tell handling from swallowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerBody {
    /// Nothing but `pass` / `...` / an empty block.
    Nothing,
    /// Nothing but `continue`.
    Continue,
    /// Anything else.
    Handles,
}

/// An assertion.
#[derive(Debug, Clone)]
pub struct Assert {
    pub test: Value,
    pub span: ByteSpan,
}

impl Call {
    /// The positional argument at `index`, or the keyword argument `keyword`: how a parameter
    /// that may be passed either way is found.
    pub fn arg(&self, index: usize, keyword: &str) -> Option<&Value> {
        self.keyword(keyword).or_else(|| self.args.get(index))
    }

    /// The value of the keyword argument `name`.
    pub fn keyword(&self, name: &str) -> Option<&Value> {
        self.keyword_arg(name).map(|k| &k.value)
    }

    /// The keyword argument `name` itself, whose span covers `name=value`.
    pub fn keyword_arg(&self, name: &str) -> Option<&Keyword> {
        self.keywords.iter().find(|k| k.name == name)
    }

    /// The resolved qualified name, or `""` when unresolved.
    pub fn qualname(&self) -> &str {
        self.callee.qualname.as_deref().unwrap_or("")
    }

    /// Whether the qualified name is one of `names`.
    pub fn is_any(&self, names: &[&str]) -> bool {
        let q = self.qualname();
        !q.is_empty() && names.contains(&q)
    }
}
