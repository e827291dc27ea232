/**
 * What every client of the verifier's HTTP API shares: reading the verifier's RFC 9457 problem documents into
 * {@link org.countersign.core.client.ProblemDocument}. The OOB authenticator and capture agent
 * ({@code countersign-agent}), the CLI and the sample bank all use this one parser.
 */
package org.countersign.core.client;
