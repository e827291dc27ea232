package org.countersign.server.oob;

import org.countersign.server.store.Jdbc;

/** Per-tenant {@link OobSettings}. */
final class SettingsRepository {
    private final Jdbc jdbc;

    SettingsRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    OobSettings find(String tenantId) {
        return jdbc.queryOne("select * from oob_settings where tenant_id = ?", ps -> ps.setString(1, tenantId),
                rs -> new OobSettings(rs.getInt("code_digits"), rs.getInt("validity_seconds"), rs.getString("concurrent_requests"),
                        rs.getBoolean("password_renewal"), rs.getInt("enrolment_validity_seconds")))
                .orElse(OobSettings.DEFAULTS);
    }

    void save(String tenantId, OobSettings s) {
        jdbc.update("insert into oob_settings (tenant_id, code_digits, validity_seconds, concurrent_requests, password_renewal,"
                + " enrolment_validity_seconds) values (?, ?, ?, ?, ?, ?) on conflict (tenant_id) do update set"
                + " code_digits = excluded.code_digits, validity_seconds = excluded.validity_seconds,"
                + " concurrent_requests = excluded.concurrent_requests, password_renewal = excluded.password_renewal,"
                + " enrolment_validity_seconds = excluded.enrolment_validity_seconds", ps -> {
                    ps.setString(1, tenantId);
                    ps.setInt(2, s.codeDigits());
                    ps.setInt(3, s.validitySeconds());
                    ps.setString(4, s.concurrentRequests());
                    ps.setBoolean(5, s.passwordRenewal());
                    ps.setInt(6, s.enrolmentValiditySeconds());
                });
    }
}
