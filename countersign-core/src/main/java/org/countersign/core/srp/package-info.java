/**
 * SRP-6a (RFC 2945, RFC 5054) over BouncyCastle: verifier creation, server and client sessions. The exact bytes of
 * M1, M2 and K are defined in docs/srp.md; the session key feeds {@code org.countersign.core.channel.ChannelKeys}.
 */
package org.countersign.core.srp;
