{
  "targets": [
    {
      "target_name": "tsmf_peercred",
      "sources": ["native/peercred.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    },
    {
      "target_name": "tsmf-spawner",
      "type": "executable",
      "sources": ["native/spawner.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
