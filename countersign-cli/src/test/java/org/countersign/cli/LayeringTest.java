package org.countersign.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The protocol and biometric cores stay free of web frameworks and JDBC (DESIGN.md: library first). */
class LayeringTest {
    private static final String[] FORBIDDEN = {
        "io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..", "javax.servlet..", "java.sql..", "javax.sql..",
        "org.flywaydb..", "com.zaxxer..", "org.postgresql..", "io.zonky..", "org.countersign.server..",
        "org.countersign.cli..", "org.countersign.agent.."
    };

    // Imported once for the class, not once per test: the import scans the whole class path.
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.countersign.core", "org.countersign.biometrics");

    @Test
    void coreUsesNoWebFrameworkAndNoJdbc() {
        noClasses().that().resideInAPackage("org.countersign.core..")
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN)
                .check(CLASSES);
    }

    @Test
    void biometricsUsesNoWebFrameworkAndNoJdbc() {
        noClasses().that().resideInAPackage("org.countersign.biometrics..")
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN)
                .allowEmptyShould(true)
                .check(CLASSES);
    }
}
