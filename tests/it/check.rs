//! Integration tests of the static contract check (`sdg::check`).
//!
//! Every case asserts the exact rule ids and `line:column` of each violation
//! (`SDG101@3:8`), so none can pass vacuously: clean cases assert an empty
//! list *and* are paired with near-identical violating cases.

use sdg::check::{check, render, CheckError, Policy, Report, Rule, Violation, ALWAYS_FORBIDDEN};

/// Four lines: import, blank, def, rng. Body lines start at line 5, column 5.
const HEAD: &str = "import numpy as np\n\ndef generate_data(num_samples, seed):\n    rng = np.random.default_rng(seed)\n";

fn policy() -> Policy {
    Policy::seed_default("generate_data")
}

fn with_imports(extra: &[&str]) -> Policy {
    let mut p = policy();
    p.allowed_imports
        .extend(extra.iter().map(|s| s.to_string()));
    p
}

fn shorts_with(src: &str, p: &Policy) -> Vec<String> {
    match check(src, p) {
        Ok(v) => v.iter().map(Violation::short).collect(),
        Err(e) => vec![format!("ERR {e}")],
    }
}

fn shorts(src: &str) -> Vec<String> {
    shorts_with(src, &policy())
}

/// Body lines after HEAD, each indented by 4 spaces, then `return 0`.
fn body(body: &[&str]) -> String {
    let mut s = HEAD.to_string();
    for l in body {
        s.push_str("    ");
        s.push_str(l);
        s.push('\n');
    }
    s.push_str("    return 0\n");
    s
}

macro_rules! cases {
    ($($name:ident: $src:expr, $policy:expr => [$($want:expr),* $(,)?];)*) => {$(
        #[test]
        fn $name() {
            let src: String = $src.into();
            let want: Vec<&str> = vec![$($want),*];
            assert_eq!(shorts_with(&src, &$policy), want, "source:\n{src}");
        }
    )*};
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/check/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---------------------------------------------------------------- clean
cases! {
    clean_seed: fixture("seed.py"), policy() => [];
    clean_pandas_frame: fixture("pandas_frame.py"), with_imports(&["pandas"]) => [];
    clean_helpers_constants: fixture("helpers_constants.py"), policy() => [];
    clean_customers: fixture("customers.py"), with_imports(&["pandas"]) => [];
    clean_time_series: fixture("time_series.py"), policy() => [];
    clean_modern_syntax: fixture("modern_syntax.py"), policy() => [];
    clean_seed_keyword: body(&["g = np.random.Generator(np.random.PCG64(seed))", "x = g.random(num_samples)"]), policy() => [];
    clean_numpy_random_alias: "import numpy.random as npr\n\ndef generate_data(num_samples, seed):\n    rng = npr.default_rng(seed)\n    return rng.random(num_samples)\n", policy() => [];
    clean_literal_defaults: "import numpy as np\n\ndef generate_data(num_samples=100, seed=0):\n    return np.random.default_rng(seed).random(num_samples)\n", policy() => [];
    clean_local_shadowing_builtin_names: body(&["id = np.arange(num_samples)", "input = id * 2", "x = {'id': id, 'in': input}"]), policy() => [];
    clean_literal_getattr: body(&["f = getattr(rng, 'normal')", "x = f(0, 1, num_samples)", "ok = hasattr(rng, 'integers')"]), policy() => [];
    clean_module_constant_read_in_function: "import numpy as np\nCATS = ['a', 'b']\n\ndef generate_data(num_samples, seed):\n    rng = np.random.default_rng(seed)\n    local = list(CATS)\n    local.append('c')\n    return rng.choice(local, num_samples)\n", policy() => [];
    clean_np_append_is_not_mutation: body(&["x = np.append(np.zeros(2), 1.0)", "y = np.histogram(x)"]), policy() => [];
}

// ---------------------------------------------------------------- imports
cases! {
    import_os: format!("import os\n{}", &body(&[])[..]), policy() => ["SDG101@1:8"];
    import_socket: "import socket\nimport numpy as np\n\ndef generate_data(num_samples, seed):\n    s = socket.socket()\n    return np.random.default_rng(seed).random(num_samples)\n", policy() => ["SDG101@1:8", "SDG304@5:9", "SDG406@5:16"];
    import_dotted_alias: "import os.path as p\n", policy() => ["SDG201@1:1", "SDG101@1:8"];
    from_forbidden: "from subprocess import run\n", policy() => ["SDG201@1:1", "SDG101@1:24"];
    import_random: "import random\n", policy() => ["SDG201@1:1", "SDG102@1:8"];
    import_random_used: format!("import random\n{}", body(&["x = random.random()"])), policy() => ["SDG102@1:8", "SDG503@6:9"];
    future_import_allowed: format!("from __future__ import annotations\n{}", body(&[])), policy() => [];
    star_import: "from numpy import *\n", policy() => ["SDG201@1:1", "SDG103@1:19"];
    relative_import: "from .helpers import make\n", policy() => ["SDG201@1:1", "SDG104@1:22"];
    import_inside_function: body(&["import shutil", "from importlib import import_module"]), policy() => ["SDG101@5:12", "SDG101@6:27"];
    dunder_import: body(&["m = __import__('importlib')"]), policy() => ["SDG105@5:9"];
    dunder_import_referenced: body(&["imp = __import__", "m = imp('o' + 's')"]), policy() => ["SDG105@5:11", "SDG105@6:9"];
    numpy_ctypeslib: body(&["lib = np.ctypeslib.load_library('x', '.')"]), policy() => ["SDG101@5:11"];
    contract_forbidden_extra: "import numpy as np\nimport numpy.linalg as la\n", Policy { forbidden_imports: vec!["numpy.linalg".into()], ..policy() } => ["SDG201@1:1", "SDG101@2:8"];
}

// ---------------------------------------------------------------- module shape
cases! {
    missing_function: "import numpy as np\n\ndef make_data(num_samples, seed):\n    return 0\n", policy() => ["SDG201@1:1"];
    wrong_param_name: "import numpy as np\n\ndef generate_data(n, seed):\n    return np.random.default_rng(seed).random(n)\n", policy() => ["SDG202@3:19"];
    missing_param: "def generate_data(num_samples):\n    return num_samples\n", policy() => ["SDG202@1:5"];
    extra_param_and_varargs: "def generate_data(num_samples, seed, extra, *args, **kw):\n    return 0\n", policy() => ["SDG202@1:38", "SDG202@1:46", "SDG202@1:54"];
    kwonly_and_bad_default: "def generate_data(num_samples, seed=None, *, scale=1.0):\n    return 0\n", policy() => ["SDG202@1:37", "SDG202@1:46"];
    async_generator: "async def generate_data(num_samples, seed):\n    return 0\n", policy() => ["SDG202@1:1"];
    decorated_generator: "import functools\n\n@functools.cache\ndef generate_data(num_samples, seed):\n    return 0\n", policy() => ["SDG102@1:8", "SDG202@3:2"];
    yield_in_generator: body(&["yield 1", "inner = lambda: (yield)"]), policy() => ["SDG202@5:5"];
    defined_twice: "def generate_data(num_samples, seed):\n    return 0\n\ndef generate_data(num_samples, seed):\n    return 1\n", policy() => ["SDG202@4:5"];
    nested_only: "def outer():\n    def generate_data(num_samples, seed):\n        return 0\n    return generate_data\n", policy() => ["SDG201@1:1"];
    top_level_rng_call: format!("{}rng2 = np.random.default_rng(seed=0)\nx = rng2.normal()\n", body(&[])), policy() => ["SDG203@6:1", "SDG501@6:8", "SDG203@7:1"];
    top_level_call_expr: format!("{}generate_data(10, 1)\n", body(&[])), policy() => ["SDG203@6:1", "SDG501@6:1"];
    top_level_loop_if_main: format!("{}for i in range(3):\n    pass\nif __name__ == '__main__':\n    pass\n", body(&[])), policy() => ["SDG203@6:1", "SDG203@8:1", "SDG403@8:4"];
    top_level_class: format!("{}class Row:\n    pass\n", body(&[])), policy() => ["SDG204@6:1"];
    class_inside_function: body(&["class Row:", "    pass"]), policy() => ["SDG204@5:5"];
    top_level_type_alias: format!("{}type Vec = list[float]\n", body(&[])), policy() => ["SDG203@6:1"];
    decorated_helper: format!("{}@staticmethod\ndef helper(x):\n    return x\n", body(&[])), policy() => ["SDG203@6:2"];
}

// ---------------------------------------------------------------- file io
cases! {
    np_save: body(&["np.save('x.npy', rng.random(3))"]), policy() => ["SDG301@5:5"];
    np_alias_save: "import numpy as n\n\ndef generate_data(num_samples, seed):\n    n.save('x', n.random.default_rng(seed).random(3))\n    return 0\n", policy() => ["SDG301@4:5"];
    from_import_save_alias: "import numpy as np\nfrom numpy import save as s\n\ndef generate_data(num_samples, seed):\n    s('x', np.random.default_rng(seed).random(3))\n    return 0\n", policy() => ["SDG301@5:5"];
    assigned_save: body(&["x = np.save", "x('f', 1)"]), policy() => ["SDG301@5:9", "SDG301@6:5"];
    module_alias_save: body(&["f = np", "f.save('f', 1)"]), policy() => ["SDG301@6:5"];
    literal_getattr_save: body(&["getattr(np, 'save')('f', 1)"]), policy() => ["SDG301@5:5"];
    computed_getattr_save: body(&["getattr(np, 'sa' + 've')('f', 1)"]), policy() => ["SDG402@5:5"];
    open_passwd: body(&["data = open('/etc/passwd').read()"]), policy() => ["SDG301@5:12"];
    open_even_without_file_flag: body(&["data = open('/etc/passwd')"]), Policy { no_file_io: false, ..policy() } => ["SDG301@5:12"];
    to_csv_on_anything: body(&["table = make()", "table.to_csv('out.csv')", "rng.random(3).tofile('x.bin')"]), policy() => ["SDG301@6:5", "SDG301@7:5"];
    pandas_read: "import numpy as np\nimport pandas as pd\n\ndef generate_data(num_samples, seed):\n    return pd.read_csv('data.csv')\n", with_imports(&["pandas"]) => ["SDG301@5:12"];
}

// ---------------------------------------------------------------- printing, plotting, network
cases! {
    print_call: body(&["print(num_samples)"]), policy() => ["SDG302@5:5"];
    print_alias: body(&["say = print", "say(1)"]), policy() => ["SDG302@5:11", "SDG302@6:5"];
    printing_off: body(&["print(num_samples)"]), Policy { no_printing: false, ..policy() } => [];
    logging_use: format!("import logging\n{}", body(&["logging.info('x')"])), policy() => ["SDG102@1:8", "SDG302@6:5"];
    plt_plot: format!("import matplotlib.pyplot as plt\n{}", body(&["plt.plot([1, 2])"])), policy() => ["SDG101@1:8", "SDG303@6:5"];
    dataframe_hist: body(&["frame = build()", "frame.hist()", "frame.plot.scatter(x=0, y=1)"]), policy() => ["SDG303@6:5", "SDG303@7:5"];
    requests_get: format!("import requests\n{}", body(&["r = requests.get('http://x')"])), policy() => ["SDG101@1:8", "SDG304@6:9"];
    urllib_from_import: format!("from urllib.request import urlopen\n{}", body(&["urlopen('http://x')"])), policy() => ["SDG101@1:28", "SDG304@6:5"];
}

// ---------------------------------------------------------------- global state, recursion
cases! {
    global_statement: "import numpy as np\nCOUNT = 0\n\ndef generate_data(num_samples, seed):\n    global COUNT\n    COUNT = COUNT + 1\n    return COUNT\n", policy() => ["SDG305@5:5"];
    module_list_mutated: "import numpy as np\nSEEN = []\n\ndef generate_data(num_samples, seed):\n    SEEN.append(seed)\n    SEEN[0] = 1\n    return SEEN\n", policy() => ["SDG305@5:5", "SDG305@6:5"];
    module_dict_augassign_and_del: "CACHE = {'n': 0}\n\ndef generate_data(num_samples, seed):\n    CACHE['n'] += 1\n    del CACHE['n']\n    return 0\n", policy() => ["SDG305@4:5", "SDG305@5:9"];
    function_attribute: "def generate_data(num_samples, seed):\n    generate_data.calls = 1\n    return 0\n", policy() => ["SDG305@2:5"];
    nonlocal_statement: body(&["def inner():", "    nonlocal rng", "    rng = None", "inner()"]), policy() => ["SDG305@6:9"];
    mutable_default: format!("{}def helper(x, acc=[]):\n    return acc\n", body(&[])), policy() => ["SDG305@6:19"];
    shuffle_module_array: "import numpy as np\nDECK = [1, 2, 3]\n\ndef generate_data(num_samples, seed):\n    rng = np.random.default_rng(seed)\n    rng.shuffle(DECK)\n    return DECK\n", policy() => ["SDG305@6:5"];
    direct_recursion: format!("{}def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\n", body(&[])), policy() => ["SDG306@7:32"];
    lambda_recursion: "f = lambda n: f(n - 1)\n\ndef generate_data(num_samples, seed):\n    return 0\n", policy() => ["SDG306@1:15"];
    lambda_recursion_in_function: body(&["f = lambda n: n if n < 1 else f(n - 1)"]), policy() => ["SDG306@5:35"];
    mutual_recursion: "def a(n):\n    return b(n)\n\ndef b(n):\n    return a(n)\n\ndef generate_data(num_samples, seed):\n    return a(1)\n", policy() => ["SDG306@2:12", "SDG306@5:12"];
    recursion_through_alias: "def a(n):\n    g = a\n    return g(n)\n\ndef generate_data(num_samples, seed):\n    return a(1)\n", policy() => ["SDG306@2:9", "SDG306@3:12"];
    recursion_off: format!("{}def fact(n):\n    return fact(n - 1)\n", body(&[])), Policy { no_recursion: false, ..policy() } => [];
}

// ---------------------------------------------------------------- escape hatches
cases! {
    exec_call: body(&["exec('import os')"]), policy() => ["SDG401@5:5"];
    eval_alias: body(&["e = eval", "e('1')"]), policy() => ["SDG401@5:9", "SDG401@6:5"];
    compile_even_with_flags_off: body(&["compile('1', 'x', 'eval')"]), Policy { no_file_io: false, no_printing: false, no_plotting: false, no_network_calls: false, no_global_state: false, no_recursion: false, seeded_rng: false, no_validation: false, ..policy() } => ["SDG401@5:5"];
    builtins_module_exec: "import builtins\n\ndef generate_data(num_samples, seed):\n    builtins.exec('1')\n    return 0\n", policy() => ["SDG101@1:8", "SDG401@4:5", "SDG406@4:14"];
    class_mro_comprehension: body(&["x = [c for c in ().__class__.__mro__]"]), policy() => ["SDG403@5:21", "SDG403@5:21"];
    subclasses_chain: body(&["x = object.__subclasses__()"]), policy() => ["SDG402@5:9", "SDG403@5:9"];
    dunder_names: body(&["b = __builtins__", "s = __spec__"]), policy() => ["SDG403@5:9", "SDG403@6:9"];
    getattr_dunder_literal: body(&["g = getattr(rng, '__class__')"]), policy() => ["SDG403@5:9"];
    globals_vars_dir: body(&["a = globals()", "b = vars(rng)", "c = dir()"]), policy() => ["SDG402@5:9", "SDG402@6:9", "SDG402@7:9"];
    setattr_literal: body(&["setattr(rng, 'x', 1)"]), policy() => ["SDG402@5:5"];
    type_three_args: body(&["T = type('T', (), {})", "k = type(rng)"]), policy() => ["SDG402@5:9"];
    breakpoint_input: body(&["breakpoint()", "n = input()", "exit(0)"]), policy() => ["SDG404@5:5", "SDG404@6:9", "SDG404@7:5"];
    dunder_function_def: "def __getattr__(name):\n    return 0\n\ndef generate_data(num_samples, seed):\n    return 0\n", policy() => ["SDG403@1:5"];
}

// ---------------------------------------------------------------- randomness
cases! {
    default_rng_constant: "import numpy as np\n\ndef generate_data(num_samples, seed):\n    rng = np.random.default_rng(42)\n    return rng.random(num_samples)\n", policy() => ["SDG501@4:11"];
    default_rng_no_arg: "import numpy as np\n\ndef generate_data(num_samples, seed):\n    rng = np.random.default_rng()\n    return rng.random(num_samples)\n", policy() => ["SDG501@4:11"];
    default_rng_derived: body(&["r2 = np.random.default_rng(seed + 1)"]), policy() => ["SDG501@5:10"];
    default_rng_from_import_alias: "from numpy.random import default_rng as mk\n\ndef generate_data(num_samples, seed):\n    return mk(7).random(num_samples)\n", policy() => ["SDG501@4:12"];
    seed_rebound: body(&["seed = 3"]), policy() => ["SDG501@5:5"];
    np_random_seed: body(&["np.random.seed(1)"]), policy() => ["SDG502@5:5"];
    legacy_normal: body(&["x = np.random.normal(0, 1, num_samples)"]), policy() => ["SDG502@5:9"];
    numpy_random_alias_seed: "import numpy.random as r\n\ndef generate_data(num_samples, seed):\n    r.seed(1)\n    return r.default_rng(seed).random(num_samples)\n", policy() => ["SDG502@4:5"];
    from_numpy_random_legacy: "from numpy.random import normal\n\ndef generate_data(num_samples, seed):\n    return normal(size=num_samples)\n", policy() => ["SDG502@1:26", "SDG502@4:12"];
    time_seed: format!("import time\n{}", body(&["r2 = np.random.default_rng(int(time.time()))"])), policy() => ["SDG102@1:8", "SDG501@6:10", "SDG503@6:36"];
    pandas_timestamp_now: "import numpy as np\nimport pandas as pd\n\ndef generate_data(num_samples, seed):\n    return pd.Timestamp.now()\n", with_imports(&["pandas"]) => ["SDG503@5:12"];
    custom_seed_param_name: "import numpy as np\n\ndef generate_data(n_rows, random_seed):\n    a = np.random.default_rng(random_seed)\n    b = np.random.default_rng(seed=random_seed)\n    c = np.random.default_rng(n_rows)\n    return a, b, c\n", Policy { inputs: vec!["n_rows".into(), "random_seed".into()], ..policy() } => ["SDG501@6:9"];
    clock_strings: "import numpy as np\nimport pandas as pd\n\ndef generate_data(num_samples, seed):\n    a = np.datetime64('now')\n    b = pd.date_range(end='Today', periods=3)\n    c = pd.Timestamp('2024-01-01')\n    return a, b, c\n", with_imports(&["pandas"]) => ["SDG503@5:23", "SDG503@6:27"];
    secrets_and_uuid: format!("import secrets, uuid\n{}", body(&["a = secrets.randbits(8)", "b = uuid.uuid4()"])), policy() => ["SDG102@1:8", "SDG102@1:17", "SDG503@6:9", "SDG503@7:9"];
    legacy_via_parameter: format!("{}def helper(m, n):\n    return m.random.normal(size=n), m.random.default_rng\n", body(&["helper(np, 3)"])), policy() => ["SDG502@8:12"];
    randomness_off: body(&["np.random.seed(1)"]), Policy { seeded_rng: false, ..policy() } => [];
}

// ---------------------------------------------------------------- validation
cases! {
    assert_statement: body(&["assert num_samples > 0"]), policy() => ["SDG601@5:5"];
    scipy_kstest: "import numpy as np\nfrom scipy import stats\n\ndef generate_data(num_samples, seed):\n    x = np.random.default_rng(seed).normal(size=num_samples)\n    stats.kstest(x, 'norm')\n    return x\n", policy() => ["SDG102@2:19", "SDG601@6:5"];
    scipy_allowed_shapiro: "import numpy as np\nimport scipy.stats as st\n\ndef generate_data(num_samples, seed):\n    x = np.random.default_rng(seed).normal(size=num_samples)\n    p = st.shapiro(x)\n    q = st.norm.ppf(0.5)\n    return x\n", with_imports(&["scipy"]) => ["SDG601@6:9"];
    validation_off: body(&["assert num_samples > 0"]), Policy { no_validation: false, ..policy() } => [];
}

// ---------------------------------------------------------------- more obfuscation
cases! {
    save_in_list_subscript: body(&["[np.save][0]('f', 1)"]), policy() => ["SDG301@5:6"];
    save_via_ifexp_alias: body(&["w = np if num_samples else None", "w.save('f', 1)"]), policy() => ["SDG301@6:5"];
    save_via_walrus: body(&["(m := np)", "m.save('f', 1)"]), policy() => ["SDG301@6:5"];
    save_via_tuple_unpack: body(&["a, b = 1, np", "b.savez('f', 1)"]), policy() => ["SDG301@6:5"];
    save_via_reversed_alias_chain: body(&["for i in range(2):", "    if i:", "        a2.save('f', 1)", "    a2 = a1", "    a1 = np"]), policy() => ["SDG301@7:13"];
    save_via_nested_closure: body(&["def inner():", "    return np.tofile", "inner()"]), policy() => ["SDG301@6:16"];
    format_string_dunder: body(&["s = '{0.__class__}'.format(rng)"]), policy() => ["SDG403@5:9"];
    numpy_f2py_from_import: "from numpy import f2py\n\ndef generate_data(num_samples, seed):\n    return 0\n", policy() => ["SDG101@1:19"];
    exec_as_default_argument: "def generate_data(num_samples, seed, run=exec):\n    return 0\n", policy() => ["SDG202@1:38", "SDG202@1:42", "SDG401@1:42"];
    eval_in_lambda_in_comprehension: body(&["fs = [lambda: eval(s) for s in ('1',)]"]), policy() => ["SDG401@5:19"];
    save_via_parameter: format!("{}def helper(m):\n    m.save('f', 1)\n", body(&["helper(np)"])), policy() => ["SDG301@8:5"];
    save_via_dict: body(&["d = {'f': np}", "d['f'].savez('f', 1)"]), policy() => ["SDG301@6:5"];
    pandas_eval: "import numpy as np\nimport pandas as pd\n\ndef generate_data(num_samples, seed):\n    return pd.eval('1 + 1')\n", with_imports(&["pandas"]) => ["SDG401@5:12", "SDG406@5:15"];
    numpy_global_settings: body(&["np.seterr(all='ignore')", "np.set_printoptions(precision=3)"]), policy() => ["SDG305@5:5", "SDG305@6:5"];
    numpy_show_config: body(&["np.show_config()"]), policy() => ["SDG302@5:5"];
    seed_laundered_through_lambda: body(&["make = lambda seed: np.random.default_rng(seed)", "r = make(0)"]), policy() => ["SDG501@6:9"];
    seed_laundered_through_helper: format!("{}def helper(n, seed):\n    return np.random.default_rng(seed).random(n)\n", body(&["a = helper(3, 42)", "b = helper(3, seed)", "c = helper(3, seed=seed)", "d = helper(3)"])), policy() => ["SDG501@5:9", "SDG501@8:9"];
    shadowed_np_is_not_numpy: body(&["np = {'save': 1}", "x = np['save']"]), policy() => [];
}

// ---------------------------------------------------------------- syntax errors and parsing
#[test]
fn pep701_nested_quotes_is_named() {
    let src =
        "def generate_data(num_samples, seed):\n    d = {\"a\": 1}\n    return f\"{d[\"a\"]}\"\n";
    match check(src, &policy()) {
        Err(CheckError::Syntax {
            line,
            column,
            message,
            construct,
        }) => {
            assert_eq!((line, column), (3, 12));
            assert_eq!(construct.as_deref(), Some("pep701-fstring"));
            assert!(message.contains("PEP 701"), "{message}");
            assert!(
                message.contains("use the other quote inside the braces"),
                "{message}"
            );
        }
        other => panic!("expected a named syntax error, got {other:?}"),
    }
}

#[test]
fn other_quote_fstring_parses() {
    let src = "import numpy as np\n\ndef generate_data(num_samples, seed):\n    d = {\"a\": 1}\n    return np.random.default_rng(seed).random(d['a']), f\"{d['a']!r:>3}\"\n";
    assert_eq!(shorts(src), Vec::<String>::new());
}

#[test]
fn t_string_is_named() {
    let err = check("x = t\"hi {1}\"\n", &policy()).unwrap_err();
    assert_eq!(
        err,
        CheckError::Syntax {
            line: 1,
            column: 5,
            message: "template string t\"...\" (PEP 750, Python 3.14+) is not supported by the checker; use an f-string or str.format".into(),
            construct: Some("t-string".into()),
        }
    );
}

#[test]
fn plain_syntax_error_has_position_in_chars() {
    // Line 2 has 3 multi-byte chars before the error; the column counts chars.
    let src = "def generate_data(num_samples, seed):\n    s = \"日本語\" +\n";
    match check(src, &policy()) {
        Err(CheckError::Syntax {
            line,
            column,
            construct,
            ..
        }) => {
            assert_eq!((line, column, construct), (2, 16, None));
        }
        other => panic!("expected syntax error, got {other:?}"),
    }
}

#[test]
fn non_ascii_columns_are_chars() {
    let src = "# é日本\nimport numpy as np\n\ndef generate_data(num_samples, seed):\n    s = \"日本語\"; print(s)\n    return s\n";
    let v = check(src, &policy()).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(
        (
            v[0].rule,
            v[0].line,
            v[0].column,
            v[0].end_line,
            v[0].end_column
        ),
        (Rule::Printing, 5, 16, 5, 21)
    );
}

#[test]
fn crlf_and_cr_line_endings() {
    let src =
        "import os\r\ndef generate_data(num_samples, seed):\r    print(1)\r\n    return 0\r\n";
    assert_eq!(shorts(src), ["SDG101@1:8", "SDG706@2:38", "SDG302@3:5"]);
}

#[test]
fn too_large_is_refused() {
    let src = "#".repeat(sdg::check::MAX_SOURCE_BYTES + 1);
    assert_eq!(
        check(&src, &policy()),
        Err(CheckError::TooLarge {
            bytes: sdg::check::MAX_SOURCE_BYTES + 1,
            limit: sdg::check::MAX_SOURCE_BYTES
        })
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    // Redundant parentheses leave no AST node: 5000 of them are harmless.
    let parens = format!(
        "def generate_data(num_samples, seed):\n    return {}1{}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    assert_eq!(shorts(&parens), Vec::<String>::new());
    let lists = format!(
        "def generate_data(num_samples, seed):\n    return {}1{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let chain = format!(
        "def generate_data(num_samples, seed):\n    return {}\n",
        vec!["1"; 100_000].join("+")
    );
    for src in [lists, chain] {
        match check(&src, &policy()) {
            Err(CheckError::Syntax {
                line: 2, construct, ..
            }) => assert_eq!(construct.as_deref(), Some("nesting-depth")),
            other => panic!("expected nesting-depth error, got {other:?}"),
        }
    }
}

#[test]
fn empty_and_whitespace_sources() {
    assert_eq!(shorts(""), ["SDG201@1:1"]);
    assert_eq!(shorts("\n\n"), ["SDG201@1:1"]);
    assert_eq!(shorts("# only a comment"), ["SDG201@1:1"]);
}

#[test]
fn modern_constructs_parse_or_are_reported() {
    // async def helper, except*, decorators inside, type alias inside function,
    // generics (PEP 695), lambda defaults: all parse; only policy rules fire.
    let src = "import numpy as np\n\nasync def helper():\n    return 1\n\ndef generate_data(num_samples, seed):\n    rng = np.random.default_rng(seed)\n    type Pair = tuple[int, int]\n    def ident[T](x: T) -> T:\n        return x\n    try:\n        pass\n    except* ValueError:\n        pass\n    f = lambda a, b=2: a + b\n    return ident(f(1))\n";
    assert_eq!(shorts(src), ["SDG203@3:1"]);
}

// ---------------------------------------------------------------- render, json, catalogue
#[test]
fn render_compiler_style() {
    let src = "import os\nimport numpy as np\n\ndef generate_data(num_samples, seed):\n    rng = np.random.default_rng(42)\n    return rng.random(num_samples)\n";
    let v = check(src, &policy()).unwrap();
    let want = "\
gen.py:1:8: SDG101 forbidden-import: import of forbidden module `os`
 1 | import os
   |        ^^
   = hint: remove the import; generators may only use the contract's allowed modules (e.g. numpy)

gen.py:5:11: SDG501 unseeded-rng: `numpy.random.default_rng` called with something other than the `seed` parameter
 5 |     rng = np.random.default_rng(42)
   |           ^^^^^^^^^^^^^^^^^^^^^^^^^
   = hint: create the generator once as `rng = np.random.default_rng(seed)`

";
    assert_eq!(render(src, "gen.py", &v), want);
}

#[test]
fn render_multiline_span_and_tab() {
    let src = "import numpy as np\n\ndef generate_data(num_samples, seed):\n\tclass A:\n\t\tpass\n\treturn 0\n";
    let v = check(src, &policy()).unwrap();
    assert_eq!(
        v.iter().map(Violation::short).collect::<Vec<_>>(),
        ["SDG204@4:2"]
    );
    let out = render(src, "g.py", &v);
    assert_eq!(
        out,
        "g.py:4:2: SDG204 class-definition: class `A` is not allowed in a generator\n 4 | \tclass A:\n   | \t^^^^^^^^\n   = hint: use functions, tuples, dicts or pandas/numpy structures\n\n"
    );
}

#[test]
fn json_report_serializes_rule_as_id() {
    let v = check("print(1)\n", &policy()).unwrap();
    let json = serde_json::to_value(Report::new("g.py", v)).unwrap();
    assert_eq!(json["clean"], false);
    // Same start: ordered by end position, so the short `print` span comes first.
    assert_eq!(json["violations"][0]["rule"], "SDG302");
    assert_eq!(json["violations"][1]["rule"], "SDG201");
    assert_eq!(json["violations"][2]["rule"], "SDG203");
    assert_eq!(json["violations"][0]["line"], 1);
    assert_eq!(json["violations"][0]["column"], 1);
    assert_eq!(json["violations"][0]["end_column"], 6);
}

#[test]
fn rule_catalogue_is_unique_and_stable() {
    let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    ids.sort_unstable();
    names.sort_unstable();
    ids.dedup();
    names.dedup();
    assert_eq!(ids.len(), Rule::ALL.len());
    assert_eq!(names.len(), Rule::ALL.len());
    assert_eq!(Rule::ForbiddenImport.id(), "SDG101");
    assert_eq!(Rule::ForbiddenImport.name(), "forbidden-import");
    assert_eq!(Rule::from_code("recursion"), Some(Rule::Recursion));
    assert_eq!(Rule::from_code("SDG503"), Some(Rule::EntropySource));
    for m in [
        "os",
        "sys",
        "subprocess",
        "socket",
        "ctypes",
        "importlib",
        "builtins",
        "pickle",
        "matplotlib",
    ] {
        assert!(ALWAYS_FORBIDDEN.contains(&m), "{m}");
    }
}

#[test]
fn violations_are_sorted_and_spans_in_source() {
    let src = fixture("kitchen_sink.py");
    let v = check(&src, &policy()).unwrap();
    assert!(v.len() >= 15, "{}", v.len());
    let lines = src.lines().count() as u32;
    for w in v.windows(2) {
        assert!((w[0].line, w[0].column) <= (w[1].line, w[1].column));
    }
    for x in &v {
        assert!(
            x.line >= 1 && x.line <= lines && x.end_line <= lines + 1,
            "{x:?}"
        );
        assert!((x.line, x.column) <= (x.end_line, x.end_column), "{x:?}");
        assert!(!x.message.is_empty() && !x.hint.is_empty());
    }
}

#[test]
fn realistic_llm_output_with_main_block() {
    let src = fixture("orders_with_main.py");
    assert_eq!(
        shorts_with(&src, &with_imports(&["pandas"])),
        [
            "SDG203@6:1",
            "SDG203@41:1",
            "SDG403@41:4",
            "SDG302@42:5",
            "SDG501@42:11"
        ]
    );
}

// ---------------------------------------------------------------- hole 1: unicode (issue 10)
// CPython NFKC-normalises identifiers (PEP 3131): verified with python3.11,
// e.g. `ｅｘｅｃ('x=1')` runs `exec`, `import ｏｓ` imports `os`, `f(ｓｅｅｄ=1)`
// passes `seed`. The checker normalises first, so the real rule fires, and
// refuses the non-ASCII spelling itself (SDG701).
cases! {
    unicode_fullwidth_exec: body(&["ｅｘｅｃ('import os')"]), policy() => ["SDG401@5:5", "SDG701@5:5"];
    unicode_math_bold_eval: body(&["x = 𝐞𝐯𝐚𝐥('1')"]), policy() => ["SDG401@5:9", "SDG701@5:9"];
    unicode_fullwidth_open: body(&["d = ｏｐｅｎ('/etc/passwd')"]), policy() => ["SDG301@5:9", "SDG701@5:9"];
    unicode_monospace_print: body(&["𝚙𝚛𝚒𝚗𝚝(1)"]), policy() => ["SDG302@5:5", "SDG701@5:5"];
    unicode_dunder_builtins: body(&["b = __𝚋𝚞𝚒𝚕𝚝𝚒𝚗𝚜__"]), policy() => ["SDG403@5:9", "SDG701@5:9"];
    unicode_import_os: format!("import ｏｓ\n{}", body(&[])), policy() => ["SDG101@1:8", "SDG701@1:8"];
    unicode_from_numpy_import_save: format!("from numpy import ｓａｖｅ\n{}", body(&["ｓａｖｅ('f', 1)"])), policy() => ["SDG701@1:19", "SDG301@6:5", "SDG701@6:5"];
    unicode_attribute_save: body(&["np.ｓａｖｅ('f', 1)"]), policy() => ["SDG301@5:5", "SDG701@5:8"];
    unicode_alias: "import numpy as ｎｐ\n\ndef generate_data(num_samples, seed):\n    ｎｐ.save('f', 1)\n    return 0\n", policy() => ["SDG701@1:17", "SDG701@4:5", "SDG301@4:5"];
    unicode_keyword_argument: body(&["x = rng.normal(ｓｃａｌｅ=2.0)"]), policy() => ["SDG701@5:20"];
    unicode_function_name_is_the_generator: "import numpy as np\n\ndef ｇｅｎｅｒａｔｅ_ｄａｔａ(num_samples, seed):\n    return np.random.default_rng(seed).random(num_samples)\n", policy() => ["SDG701@3:5"];
    unicode_param_name_is_seed: "import numpy as np\n\ndef generate_data(num_samples, ｓｅｅｄ):\n    return np.random.default_rng(seed).random(num_samples)\n", policy() => ["SDG701@3:32"];
    unicode_getattr_dunder_attribute: body(&["c = rng.__𝕔𝕝𝕒𝕤𝕤__"]), policy() => ["SDG403@5:9", "SDG701@5:13"];
    unicode_ligature_and_greek: body(&["ﬁle = 1", "μ = 0.5"]), policy() => ["SDG701@5:5", "SDG701@6:5"];
    unicode_in_strings_and_comments_is_fine: body(&["label = 'naïve 日本語 μ'  # é"]), policy() => [];
}

// ---------------------------------------------------------------- hole 1: what reviewer and interpreter read differently
cases! {
    bom_at_start: format!("\u{feff}{}", body(&[])), policy() => ["SDG702@1:1"];
    bidi_in_comment: body(&["x = 1  # \u{202e} } ;esle"]), policy() => ["SDG703@5:14"];
    bidi_isolates_in_string: body(&["s = '\u{2066}abc\u{2069}'"]), policy() => ["SDG703@5:10", "SDG703@5:14"];
    zero_width_in_string: body(&["s = 'a\u{200b}b'"]), policy() => ["SDG704@5:11"];
    variation_selector_in_comment: body(&["x = 1  # \u{fe0f}"]), policy() => ["SDG704@5:14"];
    bom_in_the_middle: body(&["x = '\u{feff}'"]), policy() => ["SDG704@5:10"];
    nul_in_comment: body(&["x = 1  # \0"]), policy() => ["SDG705@5:14"];
    escape_sequence_in_comment: body(&["x = 1  # \x1b[2K\x1b[1A"]), policy() => ["SDG705@5:14", "SDG705@5:18"];
    c1_csi_and_del_in_string: body(&["s = '\u{9b}31m\u{7f}'"]), policy() => ["SDG705@5:10", "SDG705@5:14"];
    lone_carriage_return_hides_a_line: body(&["x = 1\r    print(2)"]), policy() => ["SDG706@5:10", "SDG302@6:5"];
    line_separator_in_string: body(&["s = 'a\u{2028}b'"]), policy() => ["SDG706@5:11"];
    next_line_in_code: body(&["x = 1\u{85}y = 2"]), policy() => ["SDG706@5:10"];
    coding_cookie_latin1: format!("# -*- coding: latin-1 -*-\n{}", body(&[])), policy() => ["SDG707@1:15"];
    coding_cookie_on_line_two: format!("#!/usr/bin/env python\n# vim: set fileencoding=utf-7 :\n{}", body(&[])), policy() => ["SDG707@2:25"];
    coding_cookie_utf8_is_fine: format!("# -*- coding: utf-8 -*-\n{}", body(&[])), policy() => [];
    tab_and_form_feed_are_fine: format!("{}\x0c\n", body(&["x = 1\t# tab"])), policy() => [];
}

#[test]
fn every_bidi_control_is_refused_in_a_comment() {
    let controls = [
        '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
    ];
    for c in controls {
        let src = body(&[&format!("x = 1  # {c}")]);
        assert_eq!(shorts(&src), ["SDG703@5:14"], "U+{:04X}", c as u32);
    }
}

#[test]
fn every_c0_control_but_tab_lf_cr_ff_is_refused_in_a_string() {
    for b in 0u8..0x20 {
        let c = char::from(b);
        if matches!(c, '\t' | '\n' | '\r' | '\x0c') {
            continue;
        }
        let src = body(&[&format!("s = 'a{c}'")]);
        assert_eq!(shorts(&src), ["SDG705@5:11"], "control 0x{b:02x}");
    }
}

// ---------------------------------------------------------------- hole 2: forbidden things hanging off allowed packages
cases! {
    npyio_os_through_a_parameter: format!("{}def helper(m):\n    return m.lib.npyio.os\n", body(&["helper(np)"])), policy() => ["SDG406@8:18", "SDG406@8:24"];
    testing_sys_through_a_parameter: format!("{}def helper(m):\n    return m.testing.sys.modules\n", body(&["helper(np)"])), policy() => ["SDG406@8:14", "SDG406@8:22"];
    numpy_testing_resolved_is_sdg101: body(&["m = np.testing.sys.modules"]), policy() => ["SDG101@5:9", "SDG601@5:9"];
    ma_core_pickle_loads: body(&["x = np.ma.core.pickle.loads(b'')"]), policy() => ["SDG406@5:20", "SDG406@5:27"];
    ma_loads: body(&["x = np.ma.loads(b'')"]), policy() => ["SDG406@5:15"];
    random_private_pickle: body(&["p = np.random._pickle"]), policy() => ["SDG502@5:9", "SDG405@5:19"];
    private_core_module: body(&["u = np._core.umath"]), policy() => ["SDG405@5:12"];
    private_core_from_import: "from numpy import _core\nfrom numpy._core import umath\n\ndef generate_data(num_samples, seed):\n    return 0\n", policy() => ["SDG405@1:19", "SDG405@2:25"];
    member_named_like_forbidden_module: "from numpy.ma.core import pickle\n\ndef generate_data(num_samples, seed):\n    return 0\n", policy() => ["SDG406@1:27"];
    builtins_object_from_a_helper: format!("{}def helper():\n    return 0\n", body(&["b = helper()", "b.exec('1')", "f = b.eval", "g = (b).compile"])), policy() => ["SDG406@6:7", "SDG406@7:11", "SDG406@8:13"];
    builtins_dict_subscript_attr: body(&["d = {'b': rng}", "d['b'].open('x')", "d['b'].print(1)"]), policy() => ["SDG406@6:12", "SDG406@7:12"];
    walrus_and_unpacking_receivers: body(&["(m := make()).npyio", "a, b = make(), make()", "b.ctypeslib"]), policy() => ["SDG406@5:19", "SDG406@7:7"];
    walrus_and_unpacking_resolved_are_sdg101: body(&["(m := np.lib).npyio", "a, b = np, np", "b.ctypeslib"]), policy() => ["SDG101@5:5", "SDG301@5:5", "SDG101@7:5"];
    operator_attrgetter_through_numpy: body(&["g = np.ma.core.operator.attrgetter('lib')"]), policy() => ["SDG406@5:29"];
    generator_frame_globals: body(&["g = (i for i in range(1))", "h = g.gi_frame.f_back.f_globals"]), policy() => ["SDG407@6:11", "SDG407@6:20", "SDG407@6:27"];
    traceback_frame: body(&["try:", "    x = 1 / 0", "except ZeroDivisionError as e:", "    fr = e.__traceback__.tb_frame"]), policy() => ["SDG403@8:14", "SDG407@8:30"];
    code_object_and_cells: body(&["f = lambda: rng", "c = f.co_consts", "k = c.cell_contents"]), policy() => ["SDG407@6:11", "SDG407@7:11"];
    array_ctypes: body(&["a = np.zeros(3)", "p = a.ctypes.data"]), policy() => ["SDG406@6:11"];
    array_dump_dumps_tofile: body(&["a = np.zeros(3)", "a.dump('x')", "b = a.dumps()", "a.tofile('y')"]), policy() => ["SDG301@6:5", "SDG406@7:11", "SDG301@8:5"];
    frame_info_prints: body(&["table = make()", "table.info()", "np.info(np.sum)"]), policy() => ["SDG302@6:5", "SDG302@7:5"];
    dataframe_query_and_eval: body(&["table = make()", "t = table.query('a > 1')", "u = table.eval('a + 1')"]), policy() => ["SDG401@6:9", "SDG406@7:15"];
    pandas_read_pickle_on_anything: body(&["m = make()", "x = m.read_pickle('f')"]), policy() => ["SDG301@6:9", "SDG406@6:11"];
    scipy_io_and_datasets: "import numpy as np\nimport scipy.io\nfrom scipy import datasets\n\ndef generate_data(num_samples, seed):\n    return 0\n", with_imports(&["scipy"]) => ["SDG101@2:8", "SDG101@3:19"];
    getattr_literal_forbidden_and_private: body(&["o = getattr(rng, 'os')", "p = getattr(rng, '_bit_generator')"]), policy() => ["SDG406@5:22", "SDG405@6:22"];
    match_class_pattern_attributes: body(&["match np:", "    case object(_core=c, os=o):", "        pass"]), policy() => ["SDG405@6:21", "SDG406@6:30"];
    format_string_field_access: body(&["g = (i for i in range(1))", "s = '{0.gi_frame}'.format(g)", "t = '{0[k]}'.format({'k': 1})"]), policy() => ["SDG402@6:9", "SDG402@7:9"];
    format_on_a_computed_string: body(&["fmt = '{0.' + 'gi_frame}'", "s = fmt.format(1)", "t = str.format('{}', 1)"]), policy() => ["SDG402@6:9", "SDG402@7:9"];
    contract_forbidden_name_as_attribute: body(&["m = make()", "x = m.linalg"]), Policy { forbidden_imports: vec!["linalg".into()], ..policy() } => ["SDG406@6:11"];
    public_select_and_signal_stay_clean: "import numpy as np\nfrom scipy import signal\n\ndef generate_data(num_samples, seed):\n    x = np.random.default_rng(seed).random(num_samples)\n    return np.select([x < 0.5], [x], 0.0), signal.lfilter([1.0], [1.0, -0.5], x)\n", with_imports(&["scipy"]) => [];
    select_on_an_unknown_receiver_is_refused: format!("{}def helper(m):\n    return m.select\n", body(&["helper(np)"])), policy() => ["SDG406@8:14"];
    clean_numpy_tour: fixture("numpy_tour.py"), with_imports(&["pandas", "scipy"]) => [];
}

// ---------------------------------------------------------------- hole 4 (checker half): absurd constant arithmetic
cases! {
    huge_power_at_top_level: format!("BIG = 10**10**8\n{}", body(&[])), policy() => ["SDG602@1:7"];
    huge_power_in_default: format!("{}def helper(x=2**100000):\n    return x\n", body(&[])), policy() => ["SDG602@6:14"];
    huge_string_repetition: body(&["s = 'x' * 10**8"]), policy() => ["SDG602@5:9"];
    huge_list_repetition_by_shift: body(&["s = [0] * (1 << 40)"]), policy() => ["SDG602@5:9"];
    huge_builtin_pow: body(&["x = pow(10, 10**6)"]), policy() => ["SDG602@5:9"];
    huge_negated_power: body(&["x = -(7 ** 5000)"]), policy() => ["SDG602@5:11"];
    huge_through_a_module_constant: format!("N = 10**8\n{}", body(&["y = 7 ** N"])), policy() => ["SDG602@6:9"];
    huge_nested_tower: body(&["x = (2**64) ** (2**64)"]), policy() => ["SDG602@5:9"];
    huge_shift: body(&["x = 1 << 10001"]), policy() => ["SDG602@5:9"];
    huge_concat_then_repeat: body(&["x = ('ab' + 'cd') * 3000000"]), policy() => ["SDG602@5:9"];
    constants_within_bounds_are_fine: body(&["a = 2**63 - 1", "b = 10**9", "c = [0.0] * 1000", "d = 'ab' * 3", "e = 2 ** -5000", "f = pow(2, 10**9, 97)", "g = 1 << 62", "h = 2**9999", "i = 'x' * 10**7", "j = (-1) ** (10**100)"]), policy() => [];
}

#[test]
fn deep_nesting_in_a_non_ascii_source_is_an_error_not_a_crash() {
    // Non-ASCII text switches the identifier normaliser on; the depth limit
    // must be enforced before it recurses.
    let src = format!(
        "# é\ndef generate_data(num_samples, seed):\n    return {}1{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    match check(&src, &policy()) {
        Err(CheckError::Syntax {
            line: 3, construct, ..
        }) => assert_eq!(construct.as_deref(), Some("nesting-depth")),
        other => panic!("expected nesting-depth error, got {other:?}"),
    }
}

#[test]
fn unparseable_source_with_a_text_finding_reports_the_finding() {
    // A NUL outside any literal: CPython refuses it, and the named rule says why.
    let src = body(&["x = \0 1"]);
    assert_eq!(shorts(&src), ["SDG705@5:9"]);
}
