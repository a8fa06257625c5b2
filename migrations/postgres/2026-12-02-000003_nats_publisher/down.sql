DROP TABLE nats_publisher;
