//! Tests of both crypto backends.
