{
  "targets": [
    {
      "target_name": "tsmf_peercred",
      "sources": ["native/peercred.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
