//! placeholder, replaced by the redline
