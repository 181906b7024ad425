//! Typed KMIP messages.
