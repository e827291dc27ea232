package org.countersign.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;
import org.countersign.core.keys.KeyService;
import org.countersign.server.audit.AuditLog;
import org.countersign.server.config.ServerConfig;
import org.countersign.server.http.Body;
import org.countersign.server.store.Jdbc;
import org.countersign.server.store.Store;
import org.countersign.server.tenant.TenantRepository;
import org.countersign.server.users.UserRepository;

/**
 * What a feature module (out-of-band, local credentials, remote biometrics) gets from the node it runs in.
 * Modules build their services and routes from this and nothing global.
 *
 * @param baseUrl the public base URL, known once the server has bound its port
 */
public record ServerContext(
        ServerConfig config,
        Store store,
        Jdbc jdbc,
        KeyService keys,
        AuditLog audit,
        ObjectMapper json,
        Body body,
        TenantRepository tenants,
        UserRepository users,
        MeterRegistry meters,
        SecureRandom random,
        Clock clock,
        Supplier<String> baseUrl) {
}
