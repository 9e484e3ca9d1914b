/* Static files from the embedded static/ folder, with ETag, Cache-Control and 304. */
#ifndef BS_STATIC_H
#define BS_STATIC_H
#include "http/request.h"

/* Serves req->params[0] (the path below /static/); returns false when there is no such file. */
bool static_serve(struct request *req);
/* A MIME type from a file name's extension. */
const char *static_mime_type(const char *name);

#endif
