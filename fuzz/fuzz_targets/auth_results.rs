//! Authentication-Results: parse arbitrary bytes; what parses renders to a
//! value (and a folded field) that parses back equal, with no line break
//! outside the folding, and `authserv_id_of` agrees with the parse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mail_auth_core::auth_results::{AuthenticationResults, authserv_id_of};

fuzz_target!(|data: &[u8]| {
    let id = authserv_id_of(data);
    let Ok(ar) = AuthenticationResults::parse(data) else {
        return;
    };
    assert_eq!(id.as_deref(), Some(ar.authserv_id()));
    let value = ar.to_string();
    assert!(!value.contains(['\r', '\n']), "{value:?}");
    let again = AuthenticationResults::parse(&value)
        .unwrap_or_else(|e| panic!("rendered {value:?} does not parse: {e}"));
    assert_eq!(again, ar, "{value:?}");
    let field = ar.to_header_field();
    let folded = field
        .strip_prefix("Authentication-Results:")
        .expect("field name");
    assert_eq!(AuthenticationResults::parse(folded).ok(), Some(ar), "{field:?}");
});
