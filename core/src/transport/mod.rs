//! Network transport (feature `net`): mutual-TLS connections to key servers, pooling, failover.
