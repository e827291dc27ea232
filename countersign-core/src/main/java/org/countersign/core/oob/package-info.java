/**
 * X.1280 out-of-band server authentication values: the {@link org.countersign.core.oob.Offset} with its versioned
 * canonical encoding, the {@link org.countersign.core.oob.ServerAuthCode} computed from it with OCRA, and the
 * {@link org.countersign.core.oob.ApprovalStatement} the authenticator signs. The flow itself lives in the server's
 * {@code OutOfBandService}.
 */
package org.countersign.core.oob;
