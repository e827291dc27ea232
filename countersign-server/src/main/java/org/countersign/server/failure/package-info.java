/**
 * The base every flow's refusal extends. Nothing here knows the HTTP layer: the mapping to problem types lives at
 * the edge, in one place.
 */
package org.countersign.server.failure;
