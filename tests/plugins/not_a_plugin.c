/* A shared object with no entry symbol. */
int kz_not_a_plugin(void);
int kz_not_a_plugin(void) { return 42; }
