"""E-mail notifications through a transactional outbox: who is told what (`events`), the message
texts (`messages`), building and delivering mail (`mailer`) and the sender loop (`sender`)."""
