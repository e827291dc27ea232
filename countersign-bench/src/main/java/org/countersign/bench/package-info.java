/** JMH benchmarks; results and the machine they ran on go in docs/benchmarks.md. */
package org.countersign.bench;
