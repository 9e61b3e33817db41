# The Vigil image: the jar the build makes and the pattern pack, on a JRE. There is no build stage: build the jar
# first, where Maven and its cache already are, then the image:
#   mvn -B -DskipTests package && docker build -t vigil:0.1.0 .
# (docker-compose.yml builds it the same way.) Runs as an unprivileged user; writes only under /var/lib/vigil
# (Kafka Streams state) and /tmp.
FROM eclipse-temurin:17-jre

RUN mkdir -p /opt/vigil /var/lib/vigil/state && chown -R 65532:65532 /var/lib/vigil
COPY analyzer/target/vigil.jar /opt/vigil/vigil.jar
COPY patterns /opt/vigil/patterns

ENV VIGIL_PATTERNS=/opt/vigil/patterns \
    VIGIL_STATE_DIR=/var/lib/vigil/state \
    VIGIL_METRICS_ADDRESS=0.0.0.0:9464
WORKDIR /var/lib/vigil
USER 65532:65532
EXPOSE 9464

ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/vigil/vigil.jar"]
CMD ["run"]
