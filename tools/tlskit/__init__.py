"""tlskit: what the grading walkthrough (tools/walkthrough/) and the grader
(tools/grade/) share (Python 3.11 stdlib only):

  - probe: openssl s_client handshakes, what they printed (version, suite,
    key exchange, alert), and the suites' classes (forward secrecy, AEAD)
  - capture: tshark on an interface, live before the session starts; the
    records it saw; a search of the raw capture for secrets
  - load: seal-load's JSON summary and the lines that show it

Each takes the caller's step (lab.Step: the commands it runs and what they
printed, the checks) and lab (lab.Lab or a subclass: processes, paths).
"""
