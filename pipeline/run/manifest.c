#include "run/manifest.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "core/outfile.h"
#include "core/versions.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void to_hex(const unsigned char digest[32], char hex[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

void sm_text_sha256(const char *text, char hex[65])
{
    unsigned char digest[32];
    unsigned int len = 0;
    EVP_Digest(text, strlen(text), digest, &len, EVP_sha256(), NULL);
    to_hex(digest, hex);
}

int sm_file_sha256(const char *path, char hex[65])
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return sm_error_set(SM_ENOINPUT, "%s: cannot read: %m", path);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        EVP_DigestUpdate(ctx, buf, n);
    int failed = ferror(fp);
    fclose(fp);
    unsigned char digest[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, digest, &len);
    EVP_MD_CTX_free(ctx);
    if (failed)
        return sm_error_set(SM_EIO, "%s: read error", path);
    to_hex(digest, hex);
    return SM_OK;
}

static json_object *versions_json(void)
{
    sm_component_version v[SM_N_COMPONENTS];
    sm_versions(v);
    json_object *o = json_object_new_object();
    for (int i = 0; i < SM_N_COMPONENTS; i++)
        json_object_object_add(o, v[i].name, json_object_new_string(v[i].version));
    return o;
}

void sm_manifest_init(sm_manifest *m, const sm_config *cfg)
{
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    m->root = json_object_new_object();
    json_object_object_add(m->root, "project", json_object_new_string(cfg->project));
    json_object_object_add(m->root, "config_file", json_object_new_string(cfg->file));
    json_object *conf = cfg->json ? json_tokener_parse(cfg->json) : NULL;
    json_object_object_add(m->root, "config", conf ? conf : json_object_new_null());
    json_object_object_add(m->root, "started", json_object_new_string(stamp));
    json_object_object_add(m->root, "versions", versions_json());
    m->inputs = json_object_new_array();
    m->outputs = json_object_new_array();
    m->stages = json_object_new_object();
    json_object_object_add(m->root, "inputs", m->inputs);
    json_object_object_add(m->root, "outputs", m->outputs);
    json_object_object_add(m->root, "stages", m->stages);
}

void sm_manifest_free(sm_manifest *m)
{
    json_object_put(m->root);
    memset(m, 0, sizeof *m);
}

static json_object *find_file(json_object *list, const char *path)
{
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *f = json_object_array_get_idx(list, i), *p;
        if (json_object_object_get_ex(f, "path", &p) && !strcmp(json_object_get_string(p), path))
            return f;
    }
    return NULL;
}

static json_object *add_file(json_object *list, const char *path)
{
    struct stat st;
    char hex[65];
    if (stat(path, &st) != 0) {
        sm_error_set(SM_ENOINPUT, "%s: cannot stat: %m", path);
        return NULL;
    }
    if (sm_file_sha256(path, hex) != SM_OK)
        return NULL;
    json_object *o = find_file(list, path);
    if (!o) {
        o = json_object_new_object();
        json_object_object_add(o, "path", json_object_new_string(path));
        json_object_array_add(list, o);
    }
    json_object_object_add(o, "size", json_object_new_int64((int64_t)st.st_size));
    json_object_object_add(o, "sha256", json_object_new_string(hex));
    return o;
}

json_object *sm_manifest_add_input(sm_manifest *m, const char *path)
{
    return add_file(m->inputs, path);
}

json_object *sm_manifest_add_output(sm_manifest *m, const char *path)
{
    return add_file(m->outputs, path);
}

json_object *sm_manifest_stage(sm_manifest *m, const char *name, double seconds, int status)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "seconds", json_object_new_double(seconds));
    json_object_object_add(o, "status", json_object_new_string(status == SM_OK ? "ok" : "failed"));
    json_object_object_add(m->stages, name, o);
    return o;
}

int sm_manifest_write(const sm_manifest *m, const char *path)
{
    return sm_json_write(m->root, path);
}
