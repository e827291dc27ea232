/** Argon2id (RFC 9106) hashing of API keys and PINs as PHC strings. */
package org.countersign.core.password;
