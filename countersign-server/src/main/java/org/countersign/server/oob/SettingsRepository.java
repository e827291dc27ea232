package org.countersign.server.oob;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.countersign.server.store.Jdbc;

/** Per-tenant {@link OobSettings}; the SQL behind {@link JdbcOobStore}. */
final class SettingsRepository {
    private SettingsRepository() {}

    static OobSettings find(Connection c, String tenantId) throws SQLException {
        List<OobSettings> rows = Jdbc.query(c, "select * from oob_settings where tenant_id = ?", ps -> ps.setString(1, tenantId),
                rs -> new OobSettings(rs.getInt("code_digits"), rs.getInt("validity_seconds"), rs.getString("concurrent_requests"),
                        rs.getBoolean("password_renewal"), rs.getInt("enrolment_validity_seconds")));
        return rows.isEmpty() ? OobSettings.DEFAULTS : rows.get(0);
    }

    static void save(Connection c, String tenantId, OobSettings s) throws SQLException {
        try (var ps = c.prepareStatement("insert into oob_settings (tenant_id, code_digits, validity_seconds, concurrent_requests, password_renewal,"
                + " enrolment_validity_seconds) values (?, ?, ?, ?, ?, ?) on conflict (tenant_id) do update set"
                + " code_digits = excluded.code_digits, validity_seconds = excluded.validity_seconds,"
                + " concurrent_requests = excluded.concurrent_requests, password_renewal = excluded.password_renewal,"
                + " enrolment_validity_seconds = excluded.enrolment_validity_seconds")) {
            ps.setString(1, tenantId);
            ps.setInt(2, s.codeDigits());
            ps.setInt(3, s.validitySeconds());
            ps.setString(4, s.concurrentRequests());
            ps.setBoolean(5, s.passwordRenewal());
            ps.setInt(6, s.enrolmentValiditySeconds());
            ps.executeUpdate();
        }
    }
}
