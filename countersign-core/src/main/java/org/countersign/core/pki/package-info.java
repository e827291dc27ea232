/**
 * A local certificate authority and PEM helpers so the server offers HTTPS from its first start (X.1280 §8.1,
 * X.1279 §9.4) and can issue mutual-TLS client certificates to relying parties.
 */
package org.countersign.core.pki;
